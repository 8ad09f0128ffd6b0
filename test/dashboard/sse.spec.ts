import { SseParser, ledgerEventOf } from '../../dashboard/src/sse';

const event = (position: string, type: string) =>
  JSON.stringify({
    position,
    stream: 'deployment-abc',
    type,
    data: { deploymentId: 'abc' },
    metadata: { actor: 'user:me@host', causationId: 'c1', correlationId: 'c1', schemaVersion: 1 },
    recordedAt: '2026-12-02T05:00:00.000Z',
  });

describe('the dashboard reads the event stream', () => {
  it('parses id, event and data, and skips heartbeats', () => {
    const parser = new SseParser();
    const messages = parser.push(
      `: heartbeat\n\nid: 1\nevent: DeploymentRequested\ndata: ${event('1', 'DeploymentRequested')}\n\n`,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ id: '1', event: 'DeploymentRequested' });
    expect(ledgerEventOf(messages[0]!)).toMatchObject({ position: '1', type: 'DeploymentRequested' });
    expect(parser.lastEventId).toBe('1');
  });

  it('keeps a message cut anywhere across chunks, CRLF included', () => {
    const text = `id: 7\r\nevent: EndpointProvisioned\r\ndata: ${event('7', 'EndpointProvisioned')}\r\n\r\nid: 8\r\nevent: X\r\ndata: {}\r\n\r\n`;
    for (let cut = 1; cut < text.length; cut += 7) {
      const parser = new SseParser();
      const messages = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(messages.map((m) => m.id)).toEqual(['7', '8']);
      expect(ledgerEventOf(messages[0]!)?.type).toBe('EndpointProvisioned');
      expect(parser.lastEventId).toBe('8');
    }
  });

  it('joins several data lines, drops one leading space, defaults the event name', () => {
    const parser = new SseParser();
    expect(parser.push('data:a\ndata:  b\n\n')).toEqual([{ id: undefined, event: 'message', data: 'a\n b' }]);
  });

  it('waits for the blank line before answering a message', () => {
    const parser = new SseParser();
    expect(parser.push('id: 3\ndata: {}\n')).toEqual([]);
    expect(parser.push('\n')).toHaveLength(1);
  });

  it('is not fooled by data that is not a ledger event', () => {
    expect(ledgerEventOf({ id: '1', event: 'x', data: 'not json' })).toBeUndefined();
    expect(ledgerEventOf({ id: '1', event: 'x', data: '{"type":"X"}' })).toBeUndefined();
  });
});
