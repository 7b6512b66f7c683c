/**
 * The visible screen of a terminal emulator (@xterm/headless) as styled lines. Only the small part
 * of xterm's buffer API used here is declared, so tests can pass a fake buffer.
 */

/** One cell of xterm's buffer (IBufferCell). */
export interface CellLike {
  getChars(): string;
  getWidth(): number;
  isFgDefault(): boolean;
  isFgPalette(): boolean;
  isFgRGB(): boolean;
  getFgColor(): number;
  isBgDefault(): boolean;
  isBgPalette(): boolean;
  isBgRGB(): boolean;
  getBgColor(): number;
  isBold(): number;
  isDim(): number;
  isItalic(): number;
  isUnderline(): number;
  isInverse(): number;
  isInvisible(): number;
}

/** One line of xterm's buffer (IBufferLine). */
export interface LineLike {
  getCell(x: number, cell?: CellLike): CellLike | undefined;
}

/** The active buffer of xterm (IBuffer). */
export interface BufferLike {
  viewportY: number;
  cursorX: number;
  cursorY: number;
  getLine(y: number): LineLike | undefined;
  getNullCell(): CellLike;
}

function color(isDefault: boolean, isPalette: boolean, isRgb: boolean, value: number, base: number): string {
  if (isDefault) return '';
  if (isPalette) {
    if (value < 8) return `${base + value}`;
    if (value < 16) return `${base + 60 + value - 8}`;
    return `${base + 8};5;${value}`;
  }
  if (isRgb) return `${base + 8};2;${(value >> 16) & 255};${(value >> 8) & 255};${value & 255}`;
  return '';
}

/** The SGR parameters of a cell (empty for a plain one); `cursor` draws it inverted. */
function cellStyle(cell: CellLike, cursor: boolean): string {
  const parts: string[] = [];
  if (cell.isBold()) parts.push('1');
  if (cell.isDim()) parts.push('2');
  if (cell.isItalic()) parts.push('3');
  if (cell.isUnderline()) parts.push('4');
  if (Boolean(cell.isInverse()) !== cursor) parts.push('7');
  if (cell.isInvisible()) parts.push('8');
  const fg = color(cell.isFgDefault(), cell.isFgPalette(), cell.isFgRGB(), cell.getFgColor(), 30);
  const bg = color(cell.isBgDefault(), cell.isBgPalette(), cell.isBgRGB(), cell.getBgColor(), 40);
  if (fg) parts.push(fg);
  if (bg) parts.push(bg);
  return parts.join(';');
}

/**
 * The `rows` lines of the viewport, `cols` cells each, with their colours and attributes as SGR
 * escapes (a style is written only where it changes). With `cursor`, the cursor cell is drawn
 * inverted: the screen hides the real cursor, and a presenter typing in the pane must see where.
 */
export function bufferLines(buffer: BufferLike, cols: number, rows: number, cursor: boolean): string[] {
  const lines: string[] = [];
  const scratch = buffer.getNullCell();
  for (let y = 0; y < rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    if (!line) {
      lines.push(' '.repeat(cols));
      continue;
    }
    let out = '';
    let current = '';
    for (let x = 0; x < cols; x++) {
      const cell = line.getCell(x, scratch);
      if (!cell) {
        out += ' ';
        continue;
      }
      const width = cell.getWidth();
      if (width === 0) continue; // the right half of a wide character
      const atCursor = cursor && y === buffer.cursorY && x === buffer.cursorX;
      const style = cellStyle(cell, atCursor);
      if (style !== current) {
        out += style ? `\x1b[0;${style}m` : '\x1b[0m';
        current = style;
      }
      out += cell.getChars() || ' ';
    }
    if (current) out += '\x1b[0m';
    lines.push(out);
  }
  return lines;
}
