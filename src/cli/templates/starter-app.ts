/** The files of `flash init`: one QB endpoint and one LB endpoint that calls it. */
export function starterFiles(name: string, flashLedger: string): Record<string, string> {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    description: 'A flash-ledger app: one queue endpoint, one load-balanced endpoint that calls it',
    devDependencies: { 'flash-ledger': flashLedger },
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    '.gitignore': '.flash/\nnode_modules/\n',
    '.flashignore': '# Files the build leaves out (gitignore syntax).\nscripts/\n',
    'gpu_worker.ts': `import { Endpoint, z } from 'flash-ledger';

/** A queue endpoint: one JSON input, one JSON result. Call it with POST {url}/runsync {"input": {"text": "..."}}. */
export const summarize = Endpoint.queue(
  {
    name: 'gpu_worker',
    gpu: 'ADA_24',
    workers: [0, 3],
    idleTimeout: 60,
    input: z.object({ text: z.string().min(1) }),
  },
  async ({ text }) => {
    const words = text.trim().split(/\\s+/);
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
    return { word_count: words.length, longest_word: longest };
  },
);
`,
    'api.ts': `import { Endpoint, ValidationError } from 'flash-ledger';
import { summarize } from './gpu_worker';

/** A load-balanced endpoint: your own HTTP routes. Its /summarize route calls the queue endpoint. */
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [1, 3] });

api.get('/health', () => ({ status: 'healthy' }));

api.post('/summarize', async ({ body }) => {
  const text = (body as { text?: unknown } | undefined)?.text;
  if (typeof text !== 'string' || text.trim() === '') throw new ValidationError('text must be a non-empty string');
  return { summary: await summarize({ text }) };
});
`,
    'README.md': `# ${name}

A flash-ledger app with two endpoints:

- \`gpu_worker\` (queue-based, GPU \`ADA_24\`): \`summarize({ text })\` counts words and finds the longest.
- \`api\` (load-balanced, CPU): \`GET /health\`, and \`POST /summarize\` which calls \`gpu_worker\`.

Deploy it to the local cloud, call it, and take it down again:

    flash deploy
    flash invoke api '{"text":"hello world"}' --path /summarize
    flash undeploy --yes
`,
  };
}
