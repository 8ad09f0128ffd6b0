import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number of at least `min` (commander reports the error as a usage error). */
function integerAtLeast(flag: string, min: number, what: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min)
      throw new InvalidArgumentError(`${flag} takes ${what}, not "${value}"`);
    return Number(value);
  };
}

export const positiveInteger = (flag: string): ((value: string) => number) =>
  integerAtLeast(flag, 1, 'a whole number of at least 1');

export const wholeNumber = (flag: string): ((value: string) => number) =>
  integerAtLeast(flag, 0, 'a whole number');

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** `--method`: one of HTTP_METHODS, in any case. */
export function httpMethod(value: string): HttpMethod {
  const method = HTTP_METHODS.find((m) => m === value.toUpperCase());
  if (!method) throw new InvalidArgumentError(`--method takes ${HTTP_METHODS.join(', ')}, not "${value}"`);
  return method;
}
