import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Agent } from 'undici';
import { cloudStatus } from '../../src/ledger/cloud';
import { deployCommand } from '../../src/cli/commands/deploy.command';
import { undeployCommand } from '../../src/cli/commands/undeploy.command';
import { environmentKey, readViews, resourcesEndpointsProjection } from '../../src/ledger/views';
import { manifestSchema } from '../../worker/contract/manifest';
import { Checks } from './checks';
import { CheckFailed, ExampleClient, type Exchange } from './example-client';
import type { Workflow } from './workflow';

export const EXAMPLES_DIR = resolve(__dirname, '..');

export const EXAMPLES = [
  '00_standalone_worker',
  '00_multi_resource',
  '01_hello_world',
  '02_cpu_worker',
  '03_mixed_workers',
  '04_dependencies',
  '01_text_to_speech',
  '05_load_balancer',
  '01_network_volumes',
] as const;

export interface ExampleResult {
  name: string;
  ok: boolean;
  deploymentId?: string;
  passed: string[];
  failed: string[];
  exchanges: Exchange[];
}

export interface RunOptions {
  /** Leave the endpoints deployed. */
  keep?: boolean;
  /** Environment to deploy to. Default `examples`. */
  env?: string;
  /** Called with each line of the report as it happens. */
  print?: (line: string) => void;
  /** Deploy and undeploy print one JSON line each instead of their progress. */
  quiet?: boolean;
}

const short = (value: unknown, max = 240): string => {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 120 ? `${v.slice(0, 60)}…(${v.length} chars)` : v,
  );
  return text === undefined ? '' : text.length > max ? `${text.slice(0, max)}…` : text;
};

/** Builds and deploys `examples/<name>` to the local cloud, runs its workflow, undeploys (unless `keep`). */
export async function runExample(name: string, options: RunOptions = {}): Promise<ExampleResult> {
  const print = options.print ?? (() => undefined);
  const dir = join(EXAMPLES_DIR, name);
  const workflowFile = join(EXAMPLES_DIR, 'workflows', `${name}.ts`);
  if (!existsSync(dir) || !existsSync(workflowFile))
    throw new CheckFailed(`no example ${name}: the examples are ${EXAMPLES.join(', ')}`);
  const { workflow } = (await import(workflowFile)) as { workflow: Workflow };
  const env = options.env ?? 'examples';
  const check = new Checks();
  const result: ExampleResult = {
    name,
    ok: false,
    passed: check.passed,
    failed: check.failed,
    exchanges: [],
  };
  const dispatcher = new Agent({ connections: 16 });
  let deployed = false;
  try {
    print(`== ${name}: build and deploy to the local cloud (environment ${env})`);
    result.deploymentId = await deployCommand(dir, { env, json: options.quiet, force: true });
    deployed = true;
    const manifest = manifestSchema.parse(
      JSON.parse(readFileSync(join(dir, '.flash', 'build', 'flash_manifest.json'), 'utf8')),
    );
    const resources = Object.fromEntries(
      Object.entries(manifest.resources).map(([n, r]) => [n, r.is_load_balanced ? 'LB' : 'QB']),
    );
    check.equal(resources, workflow.resources, 'the deploy created exactly the expected endpoints');
    const callers = Object.entries(manifest.resources)
      .filter(([, r]) => r.makes_remote_calls)
      .map(([n]) => n);
    check.equal(
      callers.sort(),
      [...workflow.callers].sort(),
      'makes_remote_calls is set on exactly the callers',
    );

    const [urls] = await readViews([resourcesEndpointsProjection]);
    const key = (await cloudStatus()).apiKey ?? '';
    const client = new ExampleClient(
      urls.environments[environmentKey(manifest.project_name, env)] ?? {},
      key,
      dispatcher,
    );
    result.exchanges = client.exchanges;
    let printed = 0;
    const flush = (): void => {
      for (const x of client.exchanges.slice(printed))
        print(
          `  [${x.step}] ${x.method} ${x.url}${x.body === undefined ? '' : ` ${short(x.body, 160)}`}\n    -> ${x.status} ${short(x.answer)} (${x.ms} ms)`,
        );
      printed = client.exchanges.length;
    };
    const timer = setInterval(flush, 200);
    try {
      print(`== ${name}: workflow`);
      await workflow.run({ client, check });
    } catch (error) {
      check.that(false, `the workflow stopped: ${(error as Error).message}`);
    } finally {
      clearInterval(timer);
      flush();
    }
  } catch (error) {
    check.that(false, `${name} could not be deployed: ${(error as Error).message}`);
  } finally {
    await dispatcher.close();
    if (deployed && !options.keep) {
      print(`== ${name}: undeploy`);
      await undeployCommand(dir, { env, json: options.quiet, yes: true }).catch((error: unknown) =>
        check.that(false, `undeploy failed: ${(error as Error).message}`),
      );
    }
  }
  for (const line of check.passed) print(`  ok    ${line}`);
  for (const line of check.failed) print(`  FAIL  ${line}`);
  result.ok = check.failed.length === 0 && check.passed.length > 0;
  print(
    `== ${name}: ${result.ok ? 'every check passed' : `${check.failed.length} check(s) failed`} (${check.passed.length} passed)`,
  );
  return result;
}
