import type { QueueEndpointDefinition } from '../contract/endpoint-definition';
import { endpointErrorOf } from '../contract/errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../contract/json-body';
import { EMPTY_INPUT_SENTINEL, type JobDone } from '../contract/job';

/** The handler's input: the job input with Flash's empty-input sentinel removed; null becomes {}. */
export function handlerInput(input: unknown): unknown {
  if (input === null || input === undefined) return {};
  if (typeof input === 'object' && !Array.isArray(input) && EMPTY_INPUT_SENTINEL in input) {
    const { [EMPTY_INPUT_SENTINEL]: _sentinel, ...rest } = input as Record<string, unknown>;
    return rest;
  }
  return input;
}

function failure(error: unknown): JobDone {
  const known = endpointErrorOf(error);
  const err = error instanceof Error ? error : new Error(String(error));
  // a caller's mistake thrown on purpose (bad input: a 4xx) says what to change; a stack says nothing more
  const onPurpose = known !== undefined && known.status < 500;
  return {
    error: err.message || err.name,
    output: {
      success: false,
      error_type: err.name,
      ...(known ? { code: known.code } : {}),
      ...(onPurpose ? {} : { traceback: err.stack ?? '' }),
    },
  };
}

/**
 * Runs one job and maps the result the way the platform does (docs/RUNPOD.md#result-mapping): a throw is a
 * FAILED job with the message as `error` and the stack in `output.traceback`; a result object with a
 * truthy top-level `error` key is FAILED too; anything else is the output, as JSON.
 */
export async function runJob(definition: QueueEndpointDefinition, input: unknown): Promise<JobDone> {
  let result: unknown;
  try {
    result = await definition.invoke(handlerInput(input));
  } catch (error) {
    return failure(error);
  }
  let json: unknown;
  try {
    const text = result === undefined ? 'null' : (JSON.stringify(result) ?? 'null');
    // the platform refuses a result nested deeper than any JSON it takes: say so here, not by a timeout
    if (nestsDeeperThan(text, MAX_JSON_DEPTH))
      throw new Error(`it nests deeper than ${MAX_JSON_DEPTH} levels`);
    json = JSON.parse(text);
  } catch (error) {
    return failure(
      new TypeError(`${definition.name} returned a value JSON cannot carry (${(error as Error).message})`),
    );
  }
  if (
    json !== null &&
    typeof json === 'object' &&
    !Array.isArray(json) &&
    'error' in json &&
    (json as { error: unknown }).error
  ) {
    const { error, ...rest } = json as Record<string, unknown>;
    return {
      error: typeof error === 'string' ? error : JSON.stringify(error),
      ...(Object.keys(rest).length > 0 ? { output: rest } : {}),
    };
  }
  return { output: json };
}
