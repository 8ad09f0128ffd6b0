import type { Checks } from './checks';
import type { ExampleClient } from './example-client';

/** What an example's workflow gets: the client for its deployed endpoints and the checks to record. */
export interface WorkflowContext {
  client: ExampleClient;
  check: Checks;
}

/** An example's post-deploy workflow: the requests a user sends and the checks. */
export interface Workflow {
  /** The resources the deploy must create: name → type. */
  resources: Record<string, 'QB' | 'LB'>;
  /** Resources that make remote calls (get RUNPOD_API_KEY); every other one must not. */
  callers: string[];
  run(ctx: WorkflowContext): Promise<void>;
}
