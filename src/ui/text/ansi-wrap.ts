import { graphemes, pieces, visibleWidth } from './ansi.js';

/** Wrapping of plain and styled text to a pane's width. */

/**
 * Wrap plain text (no escapes) to `width` columns at spaces; a word longer than the width is cut.
 * Existing line breaks are kept.
 */
export function wrapPlain(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let rest = word;
      while (visibleWidth(rest) > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        let head = '';
        let used = 0;
        for (const { char, width: cw } of graphemes(rest)) {
          if (used + cw > w) break;
          head += char;
          used += cw;
        }
        out.push(head);
        rest = rest.slice(head.length);
      }
      if (!line) line = rest;
      else if (visibleWidth(line) + 1 + visibleWidth(rest) <= w) line += ` ${rest}`;
      else {
        out.push(line);
        line = rest;
      }
    }
    out.push(line);
  }
  return out;
}

/**
 * Wrap one styled line to `width` columns at spaces, continuing with `indent` spaces; a word wider
 * than the line is cut. Styles are carried over to the continuation lines.
 */
export function wrapAnsi(line: string, width: number, indent = 0): string[] {
  if (visibleWidth(line) <= width) return [line];
  const w = Math.max(1, width);
  const pad = ' '.repeat(Math.min(indent, Math.max(0, w - 1)));
  const out: string[] = [];
  let current = '';
  let used = 0;
  let word = '';
  let wordWidth = 0;
  const flushWord = (): void => {
    if (!word) return;
    if (used + wordWidth > w && used > pad.length) {
      out.push(current.trimEnd());
      current = pad;
      used = pad.length;
    }
    current += word;
    used += wordWidth;
    word = '';
    wordWidth = 0;
  };
  for (const piece of pieces(line)) {
    if ('sgr' in piece) {
      word += piece.sgr;
      continue;
    }
    if (piece.char === ' ') {
      flushWord();
      if (used < w) {
        current += ' ';
        used += 1;
      }
      continue;
    }
    if (wordWidth + piece.width > w - pad.length) {
      // A word longer than a whole line: cut it where the line ends.
      flushWord();
      out.push(current);
      current = pad;
      used = pad.length;
    }
    word += piece.char;
    wordWidth += piece.width;
  }
  flushWord();
  out.push(current);
  return carryStyles(out);
}

/**
 * Make every line stand alone: a style opened on one line and closed on a later one is re-opened at
 * the start of each line in between (each line is drawn, cut and reset on its own).
 */
export function carryStyles(lines: string[]): string[] {
  let open: string[] = [];
  return lines.map((line) => {
    const out = open.join('') + line;
    SGR_GLOBAL.lastIndex = 0;
    for (const match of line.matchAll(SGR_GLOBAL)) {
      if (match[0] === '\x1b[0m' || match[0] === '\x1b[m') open = [];
      else open.push(match[0]);
    }
    // Keep the list short: only the latest few styles matter.
    if (open.length > 8) open = open.slice(-8);
    return out;
  });
}

const SGR_GLOBAL = /\x1b\[[0-9;:]*m/g;
