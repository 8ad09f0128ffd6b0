/**
 * Jobs a worker must stop (cancelled while it ran them), handed out on its `job-stop` long poll
 * (docs/RUNPOD.md, "Stop channel").
 */
export class StopRequests {
  private readonly pending = new Map<string, Set<string>>();
  private readonly waiters = new Map<string, () => void>();

  add(workerId: string, jobId: string): void {
    const set = this.pending.get(workerId) ?? new Set<string>();
    set.add(jobId);
    this.pending.set(workerId, set);
    this.waiters.get(workerId)?.();
  }

  /** The jobs to stop now, or once one appears within `waitMs`; [] when none did. */
  async take(workerId: string, waitMs: number): Promise<string[]> {
    if (!this.pending.get(workerId)?.size) {
      this.waiters.get(workerId)?.(); // one poll per worker: an older one answers now
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          if (this.waiters.get(workerId) === wake) this.waiters.delete(workerId);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.waiters.set(workerId, wake);
      });
    }
    const ids = [...(this.pending.get(workerId) ?? [])];
    this.pending.delete(workerId);
    return ids;
  }

  close(): void {
    for (const wake of this.waiters.values()) wake();
    this.waiters.clear();
  }
}
