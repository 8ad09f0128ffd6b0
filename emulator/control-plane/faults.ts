import type { Stockout } from './stock';

/**
 * Injected failures for tests: the next N State Manager writes fail, or wait first; the next N endpoint saves
 * fail; the next N endpoint deletions fail (the endpoint stays); and GPU pools, GPU types or CPU instances
 * with no stock (`gpuTypes` / `cpuFlavors` answer a null `stockStatus`) until the next `set`.
 */
export class Faults {
  private failWrites = 0;
  private delayMs = 0;
  private failSaves = 0;
  private failDeletes = 0;
  private outOfStock: Stockout[] = [];

  set(options: {
    failStateManagerWrites?: number;
    delayStateManagerWritesMs?: number;
    failEndpointSaves?: number;
    failEndpointDeletes?: number;
    outOfStock?: Stockout[];
  }): void {
    this.failWrites = Math.max(0, options.failStateManagerWrites ?? 0);
    this.delayMs = Math.max(0, options.delayStateManagerWritesMs ?? 0);
    this.failSaves = Math.max(0, options.failEndpointSaves ?? 0);
    this.failDeletes = Math.max(0, options.failEndpointDeletes ?? 0);
    this.outOfStock = Array.isArray(options.outOfStock)
      ? options.outOfStock.filter((s) => typeof s?.id === 'string')
      : [];
  }

  /** What a test took out of stock. */
  stockouts(): readonly Stockout[] {
    return this.outOfStock;
  }

  /** Runs before `saveEndpoint`; throws while failures remain (a rejection, not a transient error). */
  beforeEndpointSave(): void {
    if (this.failSaves <= 0) return;
    this.failSaves -= 1;
    throw new Error('injected fault: endpoint quota exceeded for this account');
  }

  /** Runs before `deleteEndpoint`; throws while failures remain, and the endpoint is kept. */
  beforeEndpointDelete(): void {
    if (this.failDeletes <= 0) return;
    this.failDeletes -= 1;
    throw new Error('injected fault: the endpoint has workers still running and cannot be deleted');
  }

  /** Runs before a State Manager write; throws while failures remain. */
  async beforeStateManagerWrite(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWrites > 0) {
      this.failWrites -= 1;
      throw new Error('service unavailable: injected State Manager fault, try again later');
    }
  }

  describe(): {
    failStateManagerWrites: number;
    delayStateManagerWritesMs: number;
    failEndpointSaves: number;
    failEndpointDeletes: number;
    outOfStock: Stockout[];
  } {
    return {
      failStateManagerWrites: this.failWrites,
      delayStateManagerWritesMs: this.delayMs,
      failEndpointSaves: this.failSaves,
      failEndpointDeletes: this.failDeletes,
      outOfStock: [...this.outOfStock],
    };
  }
}
