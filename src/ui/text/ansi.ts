/**
 * Text measured in terminal columns. Frames are lines of text with SGR escapes (colours, bold); these
 * helpers cut and pad them by what a person sees, never by string length, so a coloured line is as
 * wide as a plain one. Every other escape (OSC hyperlinks, cursor moves) is dropped: a frame only
 * carries styles.
 */
import stringWidth from 'string-width';
import { stripAnsi } from '../../escapes.js';

/** One SGR sequence (`ESC [ ... m`). */
const SGR = /\x1b\[[0-9;:]*m/y;
/** Any escape that is not SGR: CSI, OSC (ending in BEL or ST), or a two-character escape. */
const OTHER_ESCAPE =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]|[()#][0-9A-Za-z]|.)/y;

/** The reset that ends a styled line, so a style never leaks into the next pane. */
export const RESET = '\x1b[0m';

const segmenter = new Intl.Segmenter();
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]+/g;

/** string-width of one grapheme, remembered: the same few accents and emoji come back on every frame. */
const widths = new Map<string, number>();
function graphemeWidth(grapheme: string): number {
  let width = widths.get(grapheme);
  if (width === undefined) {
    width = stringWidth(grapheme);
    if (widths.size >= 4096) widths.clear();
    widths.set(grapheme, width);
  }
  return width;
}

/**
 * The graphemes of a plain text (no escapes), each with the columns it takes: string-width's measure (East
 * Asian wide and fullwidth 2, emoji and emoji sequences such as 👍🏽 2, combining marks and zero-width
 * characters 0, controls 0). Every measure of the UI (wrapping, padding, cutting, tables, the painter's
 * cells) comes from here, so they never disagree. Printable ASCII is one column a character; only the
 * rest, with the character before it (which a combining mark or a keycap joins), is segmented, as
 * segmenting a whole terminal line cost ~50 times more.
 */
export function graphemes(text: string): { char: string; width: number }[] {
  if (PRINTABLE_ASCII.test(text)) return Array.from(text, (char) => ({ char, width: 1 }));
  const out: { char: string; width: number }[] = [];
  let done = 0;
  for (const match of text.matchAll(NOT_PRINTABLE_ASCII)) {
    const start = match.index > done ? match.index - 1 : match.index;
    for (let i = done; i < start; i++) out.push({ char: text[i]!, width: 1 });
    done = match.index + match[0].length;
    for (const { segment } of segmenter.segment(text.slice(start, done)))
      out.push({ char: segment, width: graphemeWidth(segment) });
  }
  for (let i = done; i < text.length; i++) out.push({ char: text[i]!, width: 1 });
  return out;
}

/** Columns a text takes on screen (escapes take none): the sum of its graphemes' widths. */
export function visibleWidth(text: string): number {
  const plain = stripAnsi(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const grapheme of graphemes(plain)) width += grapheme.width;
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
    // The text up to the next escape, by grapheme: a flag or 👍🏽 is one character of two columns.
    const next = text.indexOf('\x1b', i);
    const end = next === -1 ? text.length : next;
    for (const { char, width } of graphemes(text.slice(i, end))) {
      if (char === '\t') {
        out.push({ char: ' ', width: 1 });
        continue;
      }
      const cp = char.codePointAt(0) ?? 0;
      if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue; // a control character: never drawn
      out.push({ char, width });
    }
    i = end;
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
