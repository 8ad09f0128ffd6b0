import { bearerToken } from '../../worker/contract/bearer';
import { httpErrorAnswer } from '../../worker/contract/http-error-reply';

describe('the wire code the local cloud shares with workers', () => {
  it('reads the key of an Authorization header with or without its Bearer scheme', () => {
    expect(bearerToken('Bearer rpa_key')).toBe('rpa_key');
    expect(bearerToken('bearer   rpa_key ')).toBe('rpa_key');
    expect(bearerToken('ai-raw-worker-key')).toBe('ai-raw-worker-key');
  });

  it('finds no key in a missing or blank header, and an empty one in the scheme alone', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('   ')).toBeUndefined();
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeUndefined();
    expect(bearerToken('Bearer ')).toBe('');
  });

  it('answers a client error with its status and stable code, in both modes', () => {
    for (const mode of ['keep', 'hide'] as const) {
      expect(httpErrorAnswer({ statusCode: 400, code: 'JSON_TOO_DEEP', message: 'deep' }, mode)).toEqual({
        status: 400,
        code: 'JSON_TOO_DEEP',
        message: 'deep',
      });
      expect(httpErrorAnswer({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }, mode)).toEqual({
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'error',
      });
    }
  });

  it('keeps a server error as it is for the cloud, and hides it behind 500 INTERNAL for a worker', () => {
    const unavailable = { statusCode: 503, code: 'STATE_UNAVAILABLE', message: 'try later' };
    expect(httpErrorAnswer(unavailable, 'keep')).toEqual({
      status: 503,
      code: 'STATE_UNAVAILABLE',
      message: 'try later',
    });
    expect(httpErrorAnswer(unavailable, 'hide')).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'try later',
    });
    expect(httpErrorAnswer({ message: 'boom' }, 'keep')).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'boom',
    });
  });
});
