/** One Server-Sent Event as `flash serve` sends it: `id: <position>`, `event: <type>`, `data: <json>`. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Turns the text of an event stream, in chunks cut anywhere, into messages (the WHATWG rules that
 * matter here): lines end in LF, CRLF or CR; `:` starts a comment (the heartbeat); a blank line ends a
 * message; several `data:` lines join with LF; one space after the colon is dropped. `lastEventId` is
 * the last `id:` seen, for `Last-Event-ID` on a reconnect.
 */
export class SseParser {
  private buffer = '';
  private id: string | undefined;
  private event = '';
  private data: string[] = [];
  private hasData = false;
  lastEventId: string | undefined;

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // a CR at the very end may be the first half of a CRLF: wait for more
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') {
      const message = this.hasData
        ? { id: this.id, event: this.event || 'message', data: this.data.join('\n') }
        : undefined;
      this.event = '';
      this.data = [];
      this.hasData = false;
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) {
      this.id = value;
      this.lastEventId = value;
    }
    return undefined;
  }
}

/** A ledger event as the stream's `data:` carries it. */
export interface LedgerEventJson {
  position: string;
  stream: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string; causationId: string; correlationId: string; schemaVersion?: number };
  recordedAt: string;
}

/** The ledger event in a message, or undefined when its data is not one. */
export function ledgerEventOf(message: SseMessage): LedgerEventJson | undefined {
  try {
    const value = JSON.parse(message.data) as Partial<LedgerEventJson> | null;
    if (!value || typeof value.type !== 'string' || typeof value.position !== 'string') return undefined;
    return {
      position: value.position,
      stream: String(value.stream ?? ''),
      type: value.type,
      data: (value.data ?? {}) as Record<string, unknown>,
      metadata: (value.metadata ?? {
        actor: '',
        causationId: '',
        correlationId: '',
      }) as LedgerEventJson['metadata'],
      recordedAt: String(value.recordedAt ?? ''),
    };
  } catch {
    return undefined;
  }
}
