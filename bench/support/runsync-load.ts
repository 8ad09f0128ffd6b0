/**
 * Load generator for bench:cloud, run in its own process so the client's work does not share the local
 * cloud's event loop (as a real caller would not). Keeps `concurrency` /runsync calls in flight for
 * `ms` milliseconds and prints one JSON line: completed calls, elapsed ms, and the jobs' delay and
 * execution times as the cloud reported them.
 *
 *   node --import tsx bench/support/runsync-load.ts <url> <apiKey> <concurrency> <ms>
 */
import { Agent, request } from 'undici';

async function main(): Promise<void> {
  const [url, key, concurrencyArg, msArg] = process.argv.slice(2);
  if (!url || !key) throw new Error('usage: runsync-load <url> <apiKey> <concurrency> <ms>');
  const concurrency = Number(concurrencyArg ?? 32);
  const ms = Number(msArg ?? 4000);
  const agent = new Agent({ connections: concurrency * 2, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const now = (): number => Number(process.hrtime.bigint()) / 1e6;
  const delays: number[] = [];
  const execs: number[] = [];
  let done = 0;
  const call = async (k: number): Promise<void> => {
    const res = await request(`${url}/runsync`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ input: { k } }),
      dispatcher: agent,
    });
    const out = (await res.body.json()) as { status?: string; delayTime?: number; executionTime?: number };
    if (out.status !== 'COMPLETED') throw new Error(`runsync under load answered ${JSON.stringify(out)}`);
    delays.push(Number(out.delayTime));
    execs.push(Number(out.executionTime));
    done += 1;
  };
  // a short warm-up opens the connections
  await Promise.all(Array.from({ length: concurrency }, (_, k) => call(k)));
  done = 0;
  delays.length = 0;
  execs.length = 0;
  const started = now();
  const stopAt = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, k) => {
      while (now() < stopAt) await call(k);
    }),
  );
  const elapsed = now() - started;
  await agent.close();
  process.stdout.write(`${JSON.stringify({ done, elapsedMs: elapsed, delays, execs })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
