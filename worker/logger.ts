/** A worker's log lines: one JSON object each on stderr, with any known secret redacted. */
export interface WorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  context: Record<string, unknown>,
  secrets: readonly (string | undefined)[],
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): WorkerLogger {
  const hidden = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const redact = (text: string): string => hidden.reduce((t, s) => t.split(s).join('***'), text);
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(
        redact(JSON.stringify({ time: new Date().toISOString(), level, message, ...context, ...fields })),
      );
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
