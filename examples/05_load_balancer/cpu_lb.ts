import { Endpoint, ValidationError, z } from 'flash-ledger';

/** Text routes on a CPU load-balanced endpoint, plus stateless PUT/PATCH/DELETE routes to show every method. */
export const cpuLb = Endpoint.loadBalanced({
  name: '03_05_load_balancer_cpu',
  cpu: 'cpu3c-1-2',
  workers: [1, 3],
});

const OPERATIONS = ['uppercase', 'lowercase', 'reverse', 'title'] as const;
type Operation = (typeof OPERATIONS)[number];

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Blank text is the caller's mistake: 400. */
function nonBlank(text: string): string {
  if (text.trim() === '') throw new ValidationError('text must not be empty or blank');
  return text;
}

/** Like Python's str.title(): the first letter of every run of letters upper-cased, the rest lower-cased. */
function titleCase(text: string): string {
  return text.replace(/\p{L}+/gu, (word) => {
    const [first = '', ...rest] = Array.from(word);
    return first.toUpperCase() + rest.join('').toLowerCase();
  });
}

const TRANSFORMS: Record<Operation, (text: string) => string> = {
  uppercase: (text) => text.toUpperCase(),
  lowercase: (text) => text.toLowerCase(),
  // by code points, so emoji and other astral characters stay whole
  reverse: (text) => Array.from(text).reverse().join(''),
  title: titleCase,
};

cpuLb.get('/health', () => ({ status: 'healthy', service: 'cpu' }));

cpuLb.post(
  '/validate',
  ({ body }) => {
    const started = performance.now();
    const text = nonBlank(body.text);
    const characters = Array.from(text).length;
    const words = text.split(/\s+/).filter((w) => w !== '').length;
    return {
      status: 'success',
      is_valid: true,
      character_count: characters,
      word_count: words,
      average_word_length: round2(characters / words),
      process_time_ms: round2(performance.now() - started),
      timestamp: new Date().toISOString(),
    };
  },
  { body: z.object({ text: z.string() }) },
);

cpuLb.post(
  '/transform',
  ({ body }) => {
    const started = performance.now();
    const text = nonBlank(body.text);
    return {
      status: 'success',
      original: text,
      transformed: TRANSFORMS[body.operation](text),
      operation: body.operation,
      process_time_ms: round2(performance.now() - started),
      timestamp: new Date().toISOString(),
    };
  },
  { body: z.object({ text: z.string(), operation: z.enum(OPERATIONS).default('uppercase') }) },
);

/** Stateless: requests may land on different workers, so the item is only echoed back. */
const echoItem =
  (method: 'PUT' | 'PATCH' | 'DELETE') =>
  ({ params, body }: { params: Record<string, string>; body: unknown }) => ({
    status: 'success',
    method,
    item_id: params.item_id,
    received: body ?? null,
  });

cpuLb.put('/items/{item_id}', echoItem('PUT'));
cpuLb.patch('/items/{item_id}', echoItem('PATCH'));
cpuLb.delete('/items/{item_id}', echoItem('DELETE'));
