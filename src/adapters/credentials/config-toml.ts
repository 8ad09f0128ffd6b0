/**
 * The part of RunPod's credentials file (`~/.runpod/config.toml`) that Flash and runpod-python use: a
 * `[default]` table with `api_key = "..."`. Only that key is read or changed; every other line (comments,
 * other tables, other keys) is kept as written, so a file shared with other tools survives a login and a
 * logout. A full TOML parser is not needed for one string in one table.
 */
export const PROFILE = 'default';
export const KEY = 'api_key';

/** `[name]` (not `[[name]]`), with optional quotes and a trailing comment. */
const TABLE = /^\s*\[\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$/;
const ARRAY_TABLE = /^\s*\[\[/;
const ASSIGNMENT = /^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=\s*(.*)$/;

/** A basic ("...") or literal ('...') TOML string at the start of `value`; undefined when it is neither. */
function stringValue(value: string): string | undefined {
  const literal = /^'([^']*)'\s*(?:#.*)?$/.exec(value);
  if (literal) return literal[1];
  const basic = /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/.exec(value);
  if (!basic) return undefined;
  return (basic[1] ?? '').replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, e: string) => {
    const simple: Record<string, string> = {
      b: '\b',
      t: '\t',
      n: '\n',
      f: '\f',
      r: '\r',
      '"': '"',
      '\\': '\\',
    };
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return simple[e] ?? e;
  });
}

/** The table each line belongs to (`''` before the first header), and the line's key if it assigns one. */
function lines(text: string): { line: string; table: string | null; key?: string; value?: string }[] {
  let table: string | null = '';
  return text.split(/\r?\n/).map((line) => {
    if (ARRAY_TABLE.test(line)) {
      table = null; // an array of tables is never the profile
      return { line, table };
    }
    const header = TABLE.exec(line);
    if (header) {
      table = header[1] ?? header[2] ?? header[3] ?? '';
      return { line, table };
    }
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) return { line, table };
    return {
      line,
      table,
      key: assignment[1] ?? assignment[2] ?? assignment[3] ?? '',
      value: assignment[4] ?? '',
    };
  });
}

/** The profile's API key in the file's text; undefined when absent, blank or not a string. */
export function readApiKey(text: string, profile = PROFILE): string | undefined {
  const found = lines(text).find((l) => l.table === profile && l.key === KEY);
  const value = found?.value === undefined ? undefined : stringValue(found.value.trim());
  return value?.trim() ? value.trim() : undefined;
}

/** A TOML basic string holding `value`: quotes, backslashes and control characters escaped. */
function quoted(value: string): string {
  const escaped = [...value].map((c) => {
    const code = c.charCodeAt(0);
    if (c === '"' || c === '\\') return `\\${c}`;
    return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  });
  return `"${escaped.join('')}"`;
}

/** The text with the profile's key set to `apiKey`: the line replaced, else added under the table, else a new table. */
export function writeApiKey(text: string, apiKey: string, profile = PROFILE): string {
  const assignment = `${KEY} = ${quoted(apiKey)}`;
  const parsed = lines(text);
  const existing = parsed.findIndex((l) => l.table === profile && l.key === KEY);
  if (existing >= 0) {
    const out = parsed.map((l) => l.line);
    out[existing] = assignment;
    return out.join('\n');
  }
  const header = parsed.findIndex((l) => l.table === profile && l.key === undefined && TABLE.test(l.line));
  if (header >= 0) {
    const out = parsed.map((l) => l.line);
    out.splice(header + 1, 0, assignment);
    return out.join('\n');
  }
  const body = text.replace(/\s*$/, '');
  return `${body}${body ? '\n\n' : ''}[${profile}]\n${assignment}\n`;
}

/** The text without the profile's key (every other line kept); `removed` says whether there was one. */
export function removeApiKey(text: string, profile = PROFILE): { text: string; removed: boolean } {
  const parsed = lines(text);
  const kept = parsed.filter((l) => !(l.table === profile && l.key === KEY));
  return { text: kept.map((l) => l.line).join('\n'), removed: kept.length < parsed.length };
}
