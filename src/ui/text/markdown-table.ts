import { fitAnsi, visibleWidth } from './ansi.js';
import { wrapAnsi } from './ansi-wrap.js';

/**
 * Column widths (each with its two spaces of padding) that fit a table into `width`
 * columns: each column at its natural width when all fit, else the widest ones shrunk first, none below
 * a readable minimum. Pure.
 */
export function fitColumns(natural: number[], width: number, minimum = 6): number[] {
  const widths = natural.map((w) => w + 2);
  // One border more than there are columns.
  const budget = width - (widths.length + 1);
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > budget) {
    const widest = Math.max(...widths);
    // A column is never shrunk below a readable minimum (a narrower one stays as it is).
    if (widest <= minimum) break;
    const i = widths.indexOf(widest);
    widths[i] = widest - 1;
    total--;
  }
  return widths;
}

/** The box-drawing characters of a rule: left end, joint between columns, right end. */
const RULES = { top: ['┌', '┬', '┐'], middle: ['├', '┼', '┤'], bottom: ['└', '┴', '┘'] } as const;

/**
 * Draw a table whose cells are already rendered (ANSI styles allowed) so that it fits `width`: wide
 * cells wrap inside their column instead of running off the pane, a rule between rows. Drawn here
 * rather than by cli-table3, which measures with its own bundled string-width and so disagreed with the
 * rest of the UI about emoji and zero-width characters (a border moved): every width is
 * {@link visibleWidth}, every cut and pad {@link fitAnsi}, as in the other panes.
 */
export function renderTable(header: string[], rows: string[][], width: number): string {
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  const natural = Array.from({ length: columns }, (_, c) =>
    Math.max(...[header, ...rows].map((r) => Math.max(0, ...(r[c] ?? '').split('\n').map(visibleWidth)))),
  );
  const widths = fitColumns(natural, width);
  const rule = ([left, joint, right]: readonly [string, string, string]): string =>
    left + widths.map((w) => '─'.repeat(w)).join(joint) + right;
  const drawRow = (cells: string[]): string[] => {
    const wrapped = widths.map((w, c) =>
      (cells[c] ?? '').split('\n').flatMap((line) => wrapAnsi(line, Math.max(1, w - 2))),
    );
    const height = Math.max(1, ...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, y) =>
      widths.map((w, c) => ` ${fitAnsi(wrapped[c]![y] ?? '', Math.max(0, w - 2))} `).join('│'),
    ).map((line) => `│${line}│`);
  };
  const body = rows.flatMap((row) => [rule(RULES.middle), ...drawRow(row)]);
  return [rule(RULES.top), ...drawRow(header), ...body, rule(RULES.bottom)].join('\n');
}
