/**
 * The jobs a worker holds, up to its concurrency. A job stopped while it runs frees its slot at once and
 * its result, when it comes, is dropped: a JavaScript handler cannot be interrupted
 * (docs/RUNPOD.md#stop-channel).
 */
export class JobSlots {
  private readonly held = new Set<string>();
  private readonly stopped = new Set<string>();
  private freed: () => void = () => undefined;

  constructor(private readonly concurrency: number) {}

  get free(): number {
    return this.concurrency - this.held.size;
  }

  get busy(): boolean {
    return this.held.size > 0;
  }

  ids(): string[] {
    return [...this.held];
  }

  hold(jobId: string): void {
    this.held.add(jobId);
  }

  release(jobId: string): void {
    this.held.delete(jobId);
    this.freed();
  }

  /** False for a job not held (already ended, or another worker's). */
  stop(jobId: string): boolean {
    if (!this.held.delete(jobId)) return false;
    this.stopped.add(jobId);
    this.freed();
    return true;
  }

  /** Whether the job was stopped while it ran; its slot was freed then, so its result goes nowhere. */
  takeStopped(jobId: string): boolean {
    return this.stopped.delete(jobId);
  }

  /** Resolves when a slot frees; one waiter at a time, the job loop's taker. */
  whenFreed(): Promise<void> {
    return new Promise((resolve) => (this.freed = resolve));
  }
}
