/** What Ctrl-C does while a deploy runs: the first stops cleanly, the second stops at once. */
export interface Interrupt {
  /** Aborted by the first Ctrl-C (or SIGTERM). */
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Takes over SIGINT and SIGTERM for the life of a deployment. The first one aborts `signal`: the
 * reactors finish the step in flight and stop, and the command records what happened. A second one
 * exits at once with 130, after `onForce` has said how to resume.
 */
export function trapInterrupt(onFirst: () => void, onForce: () => void): Interrupt {
  const controller = new AbortController();
  const handler = (): void => {
    if (!controller.signal.aborted) {
      onFirst();
      controller.abort();
      return;
    }
    onForce();
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
