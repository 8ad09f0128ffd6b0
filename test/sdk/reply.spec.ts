import { InvalidReplyError, NotJsonError, reply } from '../../src/sdk';
import { REPLY, replyOf } from '../../worker/contract/reply';

describe('reply()', () => {
  it('encodes a JSON value as application/json, text as text/plain and bytes as octet-stream', () => {
    expect(replyOf(reply(404, { error: 'gone' }))).toEqual({
      ok: true,
      parts: { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"gone"}' },
    });
    expect(reply(200, 'hi')).toMatchObject({ headers: { 'content-type': 'text/plain; charset=utf-8' } });
    const bytes = reply(200, Buffer.from([1, 2]));
    expect(bytes.headers).toEqual({ 'content-type': 'application/octet-stream' });
    expect([...(bytes.body as Uint8Array)]).toEqual([1, 2]);
    expect(reply(204)).toMatchObject({ status: 204, headers: {}, body: '' });
  });

  it('keeps a content-type given in any case over the default for the body', () => {
    expect(reply(200, { a: 1 }, { 'Content-Type': 'application/problem+json' })).toMatchObject({
      headers: { 'content-type': 'application/problem+json' },
      body: '{"a":1}',
    });
  });

  it('carries the global mark, so a reply from any copy of the SDK is known', () => {
    expect(reply(200, 'x')[REPLY]).toBe(true);
    expect(REPLY).toBe(Symbol.for('flash-ledger.reply'));
    expect(replyOf({ status: 400, body: 'plain data' })).toBeUndefined();
  });

  it('refuses a status outside 200-599, a header that is not text and a body JSON cannot carry', () => {
    expect(() => reply(700, 'x')).toThrow(InvalidReplyError);
    expect(() => reply(99)).toThrow(expect.objectContaining({ code: 'REPLY_INVALID' }));
    // @ts-expect-error header values are strings
    expect(() => reply(200, 'x', { 'x-n': 1 })).toThrow(/headers\.x-n/);
    expect(() => reply(200, { n: 1n })).toThrow(NotJsonError);
    expect(() => reply(200, () => 1)).toThrow(NotJsonError);
  });
});
