import { pieces, RESET } from '../../src/ui/text/ansi.js';
import { stripAnsi } from '../../src/escapes.js';
import type { Frame } from '../../src/ui/presenter/frame.js';

/** One screen cell: the styles in force (SGR sequences since the last reset) and its character. */
interface Cell {
  style: string;
  char: string;
}

/**
 * Draw styled lines at places on a `width`×`height` screen, later ones over earlier ones, and return
 * the screen's lines (styled, each ending with a reset when styled). Used to see a whole frame as the
 * terminal shows it, in snapshot tests (the presenter itself paints regions with blessed).
 */
export function composeScreen(
  width: number,
  height: number,
  layers: { x: number; y: number; lines: string[] }[],
): string[] {
  const grid: Cell[][] = Array.from({ length: height }, () =>
    Array.from({ length: width }, () => ({ style: '', char: ' ' })),
  );
  for (const layer of layers) {
    layer.lines.forEach((line, dy) => {
      const row = grid[layer.y + dy];
      if (!row) return;
      let x = layer.x;
      let style = '';
      for (const piece of pieces(line)) {
        if ('sgr' in piece) {
          style = piece.sgr === '\x1b[0m' || piece.sgr === '\x1b[m' ? '' : style + piece.sgr;
          continue;
        }
        if (x >= width) break;
        // A lone zero-width character has no cell of its own (as in the painter).
        if (piece.width === 0) continue;
        if (x >= 0 && row[x]) row[x] = { style, char: piece.char };
        if (piece.width === 2 && row[x + 1]) row[x + 1] = { style, char: '' };
        x += piece.width;
      }
    });
  }
  return grid.map((row) => {
    let out = '';
    let current = '';
    for (const cell of row) {
      if (cell.style !== current) {
        out += RESET + cell.style;
        current = cell.style;
      }
      out += cell.char;
    }
    return current ? out + RESET : out;
  });
}

/** The frame as the terminal shows it: one styled line per row. */
export function frameLines(frame: Frame): string[] {
  return composeScreen(frame.width, frame.height, frame.regions);
}

/** The frame as plain text (what `tmux capture-pane -p` would show). */
export function frameText(frame: Frame): string {
  return frameLines(frame)
    .map((l) => stripAnsi(l).trimEnd())
    .join('\n');
}
