/** One declared npm dependency: `name`, `name@range`, `@scope/name@range`, `name@file:../dir`. */
export interface DependencySpec {
  raw: string;
  name: string;
  /** What goes in package.json; `*` for an unpinned dependency. */
  range: string;
}

const NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export function parseDependencySpec(raw: string): DependencySpec | { error: string } {
  const spec = raw.trim();
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? '*' : spec.slice(at + 1).trim();
  if (!NAME.test(name) || name.length > 214) {
    return {
      error: `"${raw}" is not an npm package name (lower-case letters, digits, - . _ ~, optionally @scope/)`,
    };
  }
  if (range === '')
    return { error: `"${raw}" has an empty version after @: write ${name} or ${name}@<range>` };
  if (/\s/.test(range) && !/^[<>=^~\d.\s|*x-]+$/.test(range))
    return { error: `"${raw}" has an invalid version range` };
  return { raw: spec, name, range };
}
