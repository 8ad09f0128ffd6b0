/** Injected failures for tests: the next N State Manager writes fail, or wait first. */
export class Faults {
  private failWrites = 0;
  private delayMs = 0;

  set(options: { failStateManagerWrites?: number; delayStateManagerWritesMs?: number }): void {
    this.failWrites = Math.max(0, options.failStateManagerWrites ?? 0);
    this.delayMs = Math.max(0, options.delayStateManagerWritesMs ?? 0);
  }

  /** Runs before a State Manager write; throws while failures remain. */
  async beforeStateManagerWrite(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWrites > 0) {
      this.failWrites -= 1;
      throw new Error('service unavailable: injected State Manager fault, try again later');
    }
  }

  describe(): { failStateManagerWrites: number; delayStateManagerWritesMs: number } {
    return { failStateManagerWrites: this.failWrites, delayStateManagerWritesMs: this.delayMs };
  }
}
