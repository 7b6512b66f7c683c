import Table from 'cli-table3';

/**
 * Column widths (borders and padding included, as cli-table3 counts them) that fit a table into `width`
 * columns: each column at its natural width when all fit, else the widest ones shrunk first, none below
 * a readable minimum. Pure.
 */
export function fitColumns(natural: number[], width: number, minimum = 6): number[] {
  const widths = natural.map((w) => w + 2);
  // cli-table3 draws one border more than there are columns.
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

/**
 * Draw a table whose cells are already rendered (ANSI styles allowed) so that it fits `width`: wide
 * cells wrap inside their column instead of running off the pane (marked-terminal's own tables ignore
 * the width).
 */
export function renderTable(
  header: string[],
  rows: string[][],
  width: number,
  measure: (text: string) => number,
): string {
  const columns = Math.max(header.length, ...rows.map((r) => r.length));
  const natural = Array.from({ length: columns }, (_, c) =>
    Math.max(...[header, ...rows].map((r) => Math.max(0, ...(r[c] ?? '').split('\n').map(measure)))),
  );
  const table = new Table({
    head: header,
    colWidths: fitColumns(natural, width),
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [] },
  });
  table.push(...rows);
  return table.toString();
}
