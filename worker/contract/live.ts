import { z } from 'zod';

/**
 * What `flash dev` sends a live worker's `/execute` (the analogue of Flash's FunctionRequest): the app's
 * bundled code and the function's argument serialized with `v8.serialize` (base64), so values JSON cannot
 * carry (Date, Map, BigInt, typed arrays) arrive as they were. Only live workers accept it.
 */
export const functionRequestSchema = z.object({
  /** The QB endpoint (resource) name whose function runs. */
  function_name: z.string().min(1),
  /** The app's CommonJS bundle (its `modules` export), with an inline source map. */
  function_code: z.string().min(1),
  /** A name for the code in stack traces, e.g. `/abs/app/.flash/dev/bundle.js`. */
  code_path: z.string().min(1),
  /** base64 of `v8.serialize(input)`. */
  args: z.string(),
});
export type FunctionRequest = z.infer<typeof functionRequestSchema>;

/** What `/execute` answers (Flash's FunctionResponse): the result as `v8.serialize` base64, and the logs. */
export const functionResponseSchema = z.object({
  success: z.boolean(),
  /** base64 of `v8.serialize(result)` when `success`. */
  result: z.string().optional(),
  error: z.string().optional(),
  /** The stack, mapped to the app's source files and lines. */
  traceback: z.string().optional(),
  /** What the function printed (console), in order. */
  stdout: z.array(z.string()),
});
export type FunctionResponse = z.infer<typeof functionResponseSchema>;

/** Set on `globalThis` when the code-shipping module is loaded: a deployed worker never has it. */
export const CODE_SHIPPING_LOADED = Symbol.for('flash-ledger.codeShippingLoaded');
