import { Endpoint, HttpError, ValidationError, z } from '../../src/sdk';
import {
  endpointDefinitionOf,
  type LoadBalancedEndpointDefinition,
} from '../../worker/contract/endpoint-definition';
import { createHealthApp, createLbApp } from '../../worker/lb/lb-app';
import { createLogger } from '../../worker/logger';

const lines: string[] = [];
const logger = createLogger({ test: true }, ['super-secret-key-123'], (l) => lines.push(l));

function app() {
  const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2' })
    .get('/health', () => ({ status: 'healthy', service: 'cpu' }))
    .post('/transform', ({ body }) => {
      const { text } = body as { text?: string };
      if (!text?.trim()) throw new ValidationError('text must not be blank');
      return { transformed: text.toUpperCase() };
    })
    .put('/items/{item_id}', ({ params, body, query }) => ({
      method: 'PUT',
      item_id: params.item_id,
      received: body ?? null,
      q: query.q ?? null,
    }))
    .delete('/items/{item_id}', ({ params }) => ({ method: 'DELETE', item_id: params.item_id }))
    .get('/image', () => ({
      status: 200,
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array([137, 80, 78, 71]),
    }))
    .get('/teapot', () => {
      throw new HttpError(418, 'short and stout', 'TEAPOT');
    })
    .get('/crash', () => {
      throw new Error('super-secret-key-123 leaked?');
    })
    .post('/typed', ({ body }) => body.n * 2, { body: z.object({ n: z.number() }) });
  const definition = endpointDefinitionOf(api) as LoadBalancedEndpointDefinition;
  return createLbApp(definition, logger);
}

describe('an LB worker', () => {
  const server = app();
  afterAll(() => server.close());

  it('serves JSON routes with params, query and body', async () => {
    expect((await server.inject({ method: 'GET', url: '/health' })).json()).toEqual({
      status: 'healthy',
      service: 'cpu',
    });
    const put = await server.inject({ method: 'PUT', url: '/items/42?q=x', payload: { value: 'a' } });
    expect(put.statusCode).toBe(200);
    expect(put.headers['content-type']).toContain('application/json');
    expect(put.json()).toEqual({ method: 'PUT', item_id: '42', received: { value: 'a' }, q: 'x' });
    expect((await server.inject({ method: 'DELETE', url: '/items/42' })).json()).toEqual({
      method: 'DELETE',
      item_id: '42',
    });
  });

  it('answers a ValidationError with 400 and a JSON error, and keeps serving', async () => {
    const bad = await server.inject({ method: 'POST', url: '/transform', payload: { text: '   ' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ status: 'error', error: 'text must not be blank', code: 'INPUT_INVALID' });
    expect(
      (await server.inject({ method: 'POST', url: '/transform', payload: { text: 'ok' } })).json(),
    ).toEqual({ transformed: 'OK' });
  });

  it('answers a body schema mismatch with 400 naming the field', async () => {
    const bad = await server.inject({ method: 'POST', url: '/typed', payload: { n: 'two' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/api POST \/typed: body\.n: /);
    expect((await server.inject({ method: 'POST', url: '/typed', payload: { n: 2 } })).json()).toBe(4);
  });

  it('answers an HttpError with its status, any other throw with 500, logging without secrets', async () => {
    expect((await server.inject({ method: 'GET', url: '/teapot' })).statusCode).toBe(418);
    const crash = await server.inject({ method: 'GET', url: '/crash' });
    expect(crash.statusCode).toBe(500);
    expect(crash.json()).toMatchObject({ status: 'error', code: 'HANDLER_FAILED' });
    expect(lines.join('\n')).toContain('route failed');
    expect(lines.join('\n')).not.toContain('super-secret-key-123');
  });

  it('sends raw bytes with their content type', async () => {
    const image = await server.inject({ method: 'GET', url: '/image' });
    expect(image.headers['content-type']).toBe('image/png');
    expect([...image.rawPayload]).toEqual([137, 80, 78, 71]);
  });

  it('answers 404 for an unknown route, 405 for a known path with another method, 400 for broken JSON', async () => {
    const missing = await server.inject({ method: 'GET', url: '/does-not-exist' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const wrong = await server.inject({ method: 'POST', url: '/health' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    const broken = await server.inject({
      method: 'POST',
      url: '/transform',
      headers: { 'content-type': 'application/json' },
      payload: '{"text": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ status: 'error', code: 'BAD_REQUEST' });
  });

  it('has no /execute: code shipping is not part of a deployed worker', async () => {
    expect(
      (await server.inject({ method: 'POST', url: '/execute', payload: { function_code: 'x' } })).statusCode,
    ).toBe(404);
  });
});

describe('the health port', () => {
  it('answers /ping 204 while the endpoint loads and 200 once it serves', async () => {
    let ready = false;
    const health = createHealthApp(() => ready);
    expect((await health.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(204);
    ready = true;
    const ok = await health.inject({ method: 'GET', url: '/ping' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'healthy' });
    await health.close();
  });
});
