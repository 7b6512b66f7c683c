/**
 * Text measured in terminal columns. Frames are lines of text with SGR escapes (colours, bold); these
 * helpers cut and pad them by what a person sees, never by string length, so a coloured line is as
 * wide as a plain one. Every other escape (OSC hyperlinks, cursor moves) is dropped: a frame only
 * carries styles.
 */
import { stripAnsi } from '../../escapes.js';

/** One SGR sequence (`ESC [ ... m`). */
const SGR = /\x1b\[[0-9;:]*m/y;
/** Any escape that is not SGR: CSI, OSC (ending in BEL or ST), or a two-character escape. */
const OTHER_ESCAPE =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|[()#][0-9A-Za-z]|.)/y;

/** The reset that ends a styled line, so a style never leaks into the next pane. */
export const RESET = '\x1b[0m';

/**
 * Columns a code point takes: 0 for combining marks and zero-width characters, 2 for East Asian wide
 * characters and most emoji, 1 otherwise. A small table rather than a dependency: lessons are prose.
 */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x20d0 && cp <= 0x20ff)
  )
    return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** Columns a text takes on screen (escapes take none). */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const char of stripAnsi(text)) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** A line split into styles and visible characters. */
export type Piece = { sgr: string } | { char: string; width: number };

/** Split a styled line into its SGR escapes and its visible characters (other escapes dropped). */
export function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\x1b') {
      SGR.lastIndex = i;
      const sgr = SGR.exec(text);
      if (sgr) {
        out.push({ sgr: sgr[0] });
        i = SGR.lastIndex;
        continue;
      }
      OTHER_ESCAPE.lastIndex = i;
      i = OTHER_ESCAPE.exec(text) ? OTHER_ESCAPE.lastIndex : i + 1;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(cp);
    i += char.length;
    if (char === '\t') {
      out.push({ char: ' ', width: 1 });
      continue;
    }
    const width = charWidth(cp);
    if (width === 0 && cp < 0x300) continue; // a control character: never drawn
    out.push({ char, width });
  }
  return out;
}

/**
 * Cut a styled line to at most `width` columns and pad it with spaces to exactly `width`. Styles are
 * kept, a reset ends the line when it had any, and a wide character that would straddle the edge is
 * replaced by a space.
 */
export function fitAnsi(text: string, width: number): string {
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  let styled = false;
  for (const piece of pieces(text)) {
    if ('sgr' in piece) {
      out += piece.sgr;
      styled = true;
      continue;
    }
    if (used + piece.width > width) {
      if (used < width) {
        out += ' '.repeat(width - used);
        used = width;
      }
      break;
    }
    out += piece.char;
    used += piece.width;
  }
  if (styled) out += RESET;
  return out + ' '.repeat(Math.max(0, width - used));
}

/** Cut a styled line to at most `width` columns, ending it with `…` when something was cut. */
export function truncateAnsi(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  return `${fitAnsi(text, width - 1)}…`;
}
