/** The streams of a terminal: keys in, screen out. */
export interface LineScreenStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

/**
 * A full-screen terminal drawn line by line: the alternate screen, no cursor, raw keys. `draw` writes
 * only the lines that changed since the last frame, each at its row, in one write. Small on purpose: the
 * speaker view is lines of text with styles, and needs none of blessed's widgets.
 */
export class LineScreen {
  private previous: string[] = [];
  private readonly onResizeListener: () => void;
  private readonly onDataListener: (data: Buffer | string) => void;

  constructor(
    private readonly streams: LineScreenStreams,
    handlers: { onKey: (key: string) => void; onResize: () => void },
  ) {
    this.onResizeListener = () => {
      this.previous = [];
      this.streams.output.write('\x1b[2J');
      handlers.onResize();
    };
    this.onDataListener = (data) => {
      for (const key of splitKeys(data.toString())) handlers.onKey(key);
    };
    streams.output.write('\x1b[?1049h\x1b[?25l\x1b[2J');
    if (streams.input.isTTY) streams.input.setRawMode(true);
    streams.input.on('data', this.onDataListener);
    streams.input.resume();
    streams.output.on('resize', this.onResizeListener);
  }

  get width(): number {
    return this.streams.output.columns || 80;
  }

  get height(): number {
    return this.streams.output.rows || 24;
  }

  /** Show a frame: one string per row, each exactly the screen's width. */
  draw(lines: string[]): void {
    let out = '';
    lines.forEach((line, row) => {
      if (this.previous[row] !== line) out += `\x1b[${row + 1};1H${line}\x1b[0m`;
    });
    this.previous = lines.slice();
    if (out) this.streams.output.write(out);
  }

  /** Give the terminal back as it was. */
  destroy(): void {
    this.streams.output.off('resize', this.onResizeListener);
    this.streams.input.off('data', this.onDataListener);
    if (this.streams.input.isTTY) this.streams.input.setRawMode(false);
    this.streams.input.pause();
    this.streams.output.write('\x1b[0m\x1b[?25h\x1b[?1049l');
  }
}

/** Cut raw input into keys: an escape sequence is one key, any other character is one. */
function splitKeys(data: string): string[] {
  const keys: string[] = [];
  const re = /\x1b\[[0-9;]*[A-Za-z~]|\x1bO[A-Za-z]|\x1b.?|[\s\S]/gu;
  for (const m of data.matchAll(re)) keys.push(m[0]);
  return keys;
}
