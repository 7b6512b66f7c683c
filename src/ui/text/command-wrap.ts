import { graphemes, visibleWidth } from './ansi.js';

/**
 * Shell commands wrapped for a step box. A command is shown exactly as it is typed, so only where a
 * line breaks is chosen: at spaces; a line continued with `\` keeps its own indentation and its pieces
 * go four columns further in, so that a reader tells a wrapped line from the next one; the `\` that
 * ends a line stays with the word before it; a word wider than a whole line (a long URL, a flag and its
 * value) is broken after one of `= / , : &`, else cut where the line ends, never at column 0.
 */

const width = visibleWidth;

const SEPARATORS = ['=', '/', ',', ':', '&'];

/**
 * Cut a word into pieces, the first of at most `first` columns and the others of `room`, preferably
 * just after a separator (never inside a run of them, such as `://`).
 */
function breakWord(word: string, first: number, room0: number): string[] {
  const pieces: string[] = [];
  let rest = word;
  let room = first;
  while (width(rest) > room) {
    const cells = graphemes(rest);
    const chars = cells.map((g) => g.char);
    let cut = 0;
    let used = 0;
    for (let i = 0; i < chars.length; i++) {
      used += cells[i]!.width;
      if (used > room) break;
      cut = i + 1;
    }
    // The last separator in the part that fits, if it is not too close to the start.
    let at = -1;
    for (let i = cut - 1; i >= Math.floor(room / 3); i--) {
      if (SEPARATORS.includes(chars[i]!) && !SEPARATORS.includes(chars[i + 1] ?? '')) {
        at = i;
        break;
      }
    }
    const end = at >= 0 ? at + 1 : Math.max(1, cut);
    pieces.push(chars.slice(0, end).join(''));
    rest = chars.slice(end).join('');
    room = room0;
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** One source line of a command as display lines of at most `max` columns. */
function wrapLine(prefix: string, line: string, max: number): string[] {
  const lead = /^[ \t]*/.exec(line)?.[0].replace(/\t/g, '  ') ?? '';
  const indent = ' '.repeat(Math.min(width(prefix) + lead.length + 4, Math.floor(max / 2)));
  const words = line.trim().split(' ');
  // `\` at the end of a line continues it: it stays with the word before it.
  if (words.length > 1 && words[words.length - 1] === '\\') {
    const slash = words.pop()!;
    words[words.length - 1] += ` ${slash}`;
  }
  const out: string[] = [];
  let current = prefix + lead;
  let fresh = true;
  for (const word of words) {
    const sep = fresh ? '' : ' ';
    if (width(current) + width(sep) + width(word) <= max) {
      current += sep + word;
      fresh = false;
      continue;
    }
    if (!fresh) {
      out.push(current);
      current = indent;
    }
    const room = max - width(current);
    const later = Math.max(4, max - indent.length);
    const pieces = width(word) > room ? breakWord(word, Math.max(4, room), later) : [word];
    pieces.forEach((piece, i) => {
      if (i > 0) {
        out.push(current);
        current = indent;
      }
      current += piece;
    });
    fresh = false;
  }
  out.push(current);
  return out.map((l) => l.replace(/ +$/, ''));
}

/**
 * A whole command (its lines as written) as display lines of at most `max` columns: the first line
 * after `$ `, the next ones after two spaces (the continuation prompt's place).
 */
export function wrapCommand(command: string, max: number): string[] {
  const w = Math.max(12, max);
  return command
    .replace(/\n+$/, '')
    .split('\n')
    .flatMap((line, i) => wrapLine(i === 0 ? '$ ' : '  ', line, w));
}
