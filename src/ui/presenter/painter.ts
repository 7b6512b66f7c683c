import { pieces } from '../text/ansi.js';

/** A rectangle of styled lines to lay on the screen (a frame region). */
export interface Layer {
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

/** One row of cells: the character of each (`''` right of a wide one) and its SGR styles. */
interface Row {
  chars: string[];
  styles: string[];
}

const RESET = '\x1b[0m';

function blankRow(width: number): Row {
  return { chars: Array<string>(width).fill(' '), styles: Array<string>(width).fill('') };
}

/**
 * The screen as cells, and the bytes that bring a terminal from what it shows to what it should. Frames
 * are laid as layers (later over earlier); `flush` compares cell by cell with what was sent last and
 * writes only the runs that changed, each with one cursor move and its styles. This replaces blessed's
 * widget rendering, which re-parsed and re-measured every cell of every box on each of the terminal
 * pane's 30 frames a second: the presenter under a flooding component spent most of its time there.
 */
export class Painter {
  private width = 0;
  private height = 0;
  private want: Row[] = [];
  private shown: Row[] | null = null;
  /** Rows laid since the last flush (the only ones to compare). */
  private dirty = new Set<number>();
  /** What each row was last laid from, per layer position: the same text again is not parsed again. */
  private laid = new Map<string, string>();

  /** A new screen size: everything is sent again on the next flush. */
  resize(width: number, height: number): void {
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.want = Array.from({ length: this.height }, () => blankRow(this.width));
    this.shown = null;
    this.laid.clear();
  }

  /** Forget what the terminal shows (it was cleared, or is unknown): the next flush sends all. */
  invalidate(): void {
    this.shown = null;
  }

  /** Start a whole frame: every cell blank, then the layers. */
  frame(layers: Layer[]): void {
    for (const row of this.want) {
      row.chars.fill(' ');
      row.styles.fill('');
    }
    this.laid.clear();
    for (let y = 0; y < this.height; y++) this.dirty.add(y);
    for (const layer of layers) this.lay(layer);
  }

  /** Lay one layer over what is there (its rectangle is opaque: cells it does not draw are blank). */
  lay(layer: Layer): void {
    for (let dy = 0; dy < layer.height; dy++) {
      const row = this.want[layer.y + dy];
      if (!row) continue;
      // The same text at the same place as last time: its cells are already there.
      const text = layer.lines[dy] ?? '';
      const key = `${layer.x},${layer.y + dy},${layer.width}`;
      if (this.laid.get(key) === text) continue;
      this.laid.set(key, text);
      this.dirty.add(layer.y + dy);
      const end = Math.min(this.width, layer.x + layer.width);
      let x = layer.x;
      let style = '';
      for (const piece of pieces(text)) {
        if ('sgr' in piece) {
          // A reset clears the styles; one that starts with a reset (`ESC[0;1;32m`) replaces them.
          if (piece.sgr === RESET || piece.sgr === '\x1b[m') style = '';
          else if (piece.sgr.startsWith('\x1b[0;')) style = piece.sgr;
          else style += piece.sgr;
          continue;
        }
        // A lone zero-width character (a joiner, a mark with nothing to join) has no cell of its own.
        if (piece.width === 0) continue;
        if (x + piece.width > end) break;
        if (x >= 0) {
          // A wide grapheme (日, ✅, 👍🏽) fills its first cell; the cells it covers stay empty.
          row.chars[x] = piece.char;
          row.styles[x] = style;
          for (let k = 1; k < piece.width; k++) {
            row.chars[x + k] = '';
            row.styles[x + k] = style;
          }
        }
        x += piece.width;
      }
      for (; x < end; x++) {
        if (x < 0) continue;
        row.chars[x] = ' ';
        row.styles[x] = '';
      }
    }
  }

  /** The bytes that update the terminal (empty when nothing changed). */
  flush(): string {
    const full = this.shown === null;
    const shown = this.shown ?? Array.from({ length: this.height }, () => blankRow(this.width));
    let out = full ? `${RESET}\x1b[H\x1b[2J` : '';
    let current = full ? '' : null;
    const rows = full ? [...Array(this.height).keys()] : [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    for (const y of rows) {
      const want = this.want[y]!;
      const had = shown[y]!;
      let x = 0;
      while (x < this.width) {
        if (!full && want.chars[x] === had.chars[x] && want.styles[x] === had.styles[x]) {
          x++;
          continue;
        }
        if (full && want.chars[x] === ' ' && want.styles[x] === '') {
          x++;
          continue;
        }
        // A run of changed cells (a wide character's right half starts at its left half).
        if (want.chars[x] === '' && x > 0) x--;
        out += `\x1b[${y + 1};${x + 1}H`;
        while (x < this.width) {
          const same = want.chars[x] === had.chars[x] && want.styles[x] === had.styles[x];
          if (same && !full) {
            // Bridge a gap of up to three unchanged cells rather than move the cursor again.
            let gap = 0;
            while (
              gap < 4 &&
              x + gap < this.width &&
              want.chars[x + gap] === had.chars[x + gap] &&
              want.styles[x + gap] === had.styles[x + gap]
            )
              gap++;
            if (gap >= 4 || x + gap >= this.width) break;
          }
          const style = want.styles[x]!;
          if (style !== current) {
            out += RESET + style;
            current = style;
          }
          const ch = want.chars[x]!;
          if (ch !== '') out += ch;
          had.chars[x] = ch;
          had.styles[x] = style;
          x++;
        }
      }
    }
    this.shown = shown;
    if (current) out += RESET;
    return out;
  }
}
