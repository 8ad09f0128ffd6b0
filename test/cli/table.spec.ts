import { renderTable, tableWidth, type Column } from '../../src/cli/output/table';
import { colorEnabled, visibleWidth } from '../../src/cli/output/colors';

const COLUMNS: Column[] = [
  { header: 'version', align: 'right' },
  { header: 'who' },
  { header: 'status' },
  { header: 'deployment' },
];
const ROWS = [
  [
    'v1',
    'user:alice@a-very-long-hostname.example.internal',
    'succeeded',
    '636a6985-0c1f-4a4e-9d38-5a7f0e2c1d11',
  ],
  ['v12', 'user:bob@desk', 'failed (PROVISIONING_FAILED)', '9f2a77c1-11aa-4b1e-8c00-000000000000'],
];

describe('the CLI table', () => {
  it('prints every character when it has room, aligned, without trailing spaces', () => {
    const lines = renderTable(COLUMNS, ROWS).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('user:alice@a-very-long-hostname.example.internal');
    expect(lines[2]?.startsWith('    v12')).toBe(true); // right-aligned under "version"
    for (const line of lines) expect(line).toBe(line.trimEnd());
    const starts = lines.map((l) =>
      l.indexOf(l.includes('status') ? 'status' : l.includes('failed') ? 'failed' : 'succeeded'),
    );
    expect(new Set(starts).size).toBe(1); // one column start for every row
  });

  it('fits a narrow terminal by cutting the widest column with an ellipsis', () => {
    const lines = renderTable(COLUMNS, ROWS, 80).split('\n');
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(80);
    expect(lines.join('\n')).toContain('…');
    expect(lines[1]).toContain('v1'); // narrow columns are left whole
    expect(lines[2]).toContain('v12');
  });

  it('cuts columns only down to a readable minimum, then lets the terminal wrap', () => {
    const lines = renderTable(COLUMNS, ROWS, 10).split('\n');
    expect(lines[0]).toContain('versi…');
    expect(Math.max(...lines.map(visibleWidth))).toBeGreaterThan(10);
  });

  it('is unlimited with --wide and on a pipe, the terminal width on a terminal, COLUMNS when set', () => {
    expect(tableWidth(true, { isTTY: true, columns: 80 }, {})).toBe(Infinity);
    expect(tableWidth(false, { isTTY: false }, {})).toBe(Infinity);
    expect(tableWidth(false, { isTTY: true, columns: 100 }, {})).toBe(100);
    expect(tableWidth(false, { isTTY: false }, { COLUMNS: '72' })).toBe(72);
  });

  it('colours a styled column after cutting and padding it, so widths stay right', () => {
    const styled = renderTable(
      [{ header: 'a' }, { header: 'b', style: (t) => `\u001b[31m${t}\u001b[39m` }],
      [['x', 'y']],
    );
    expect(styled.split('\n')[1]).toBe('x  \u001b[31my\u001b[39m');
    expect(visibleWidth(styled.split('\n')[1] ?? '')).toBe(4);
  });
});

describe('colour', () => {
  it('is on for a terminal only, off with NO_COLOR, on with FORCE_COLOR, off with FORCE_COLOR=0', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});
