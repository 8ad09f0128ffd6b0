/**
 * The job loop's own waits. They hold a timer, so they keep the worker alive: a platform that does not
 * answer is retried, never a silent exit. `endAll()` ends them at once, and every later one.
 */
export class Pauses {
  private readonly waits = new Set<{ timer: NodeJS.Timeout; end: () => void }>();
  private ended = false;

  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.ended) return resolve();
      const wait = {
        timer: setTimeout(() => {
          this.waits.delete(wait);
          resolve();
        }, ms),
        end: resolve,
      };
      this.waits.add(wait);
    });
  }

  endAll(): void {
    this.ended = true;
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.end();
    }
    this.waits.clear();
  }
}
