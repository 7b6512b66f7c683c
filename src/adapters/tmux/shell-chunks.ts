/**
 * Which lines of a command bash is sure to read as one command, so instant typing can paste them in one
 * go (one bracketed paste, one Enter) instead of line by line, each line waiting for its continuation
 * prompt. Pure, unit-tested.
 *
 * The lexer only ever claims that a line break is *inside* a command when bash must read further: a
 * here-document body not yet ended, an open quote, a trailing `\`, a trailing `|`, `&&` or `||`. A wrong
 * claim would paste two commands at once, and then a failing first one would no longer stop the step, so
 * anything it does not model (`$(`, backquotes, `${`, `((`, process substitution, an odd delimiter) makes
 * it give up: those lines are typed one by one as before, and bash's own prompts say where commands end.
 */

/** A here-document announced on a line: its delimiter, whether tabs are stripped (`<<-`), quoted. */
interface HereDoc {
  word: string;
  strip: boolean;
  quoted: boolean;
}

/** The lexer's state between two lines. */
interface LexState {
  /** An open quote carried to the next line: `'`, `"` or `$'`. */
  quote?: "'" | '"' | "$'";
  /** Here-documents announced, whose bodies start after the current logical line. */
  pending: HereDoc[];
  /** Here-documents whose bodies are being read, the first one now. */
  bodies: HereDoc[];
  /** The line that announced the bodies ended with `|`, `&&` or `||`: the command goes on after them. */
  afterBodies: boolean;
}

/** Where a chunk ends and whether the lexer could follow all of it. */
export interface Chunk {
  /** Index just past the chunk's last line. */
  end: number;
  /**
   * The lexer met something it does not model: it cannot tell whether the line after the chunk starts
   * clean (outside any quote or here-document) unless bash is seen back at its prompt.
   */
  lost: boolean;
}

/**
 * The chunk of `lines` that starts at `start`, a line that begins outside any quote or here-document
 * (the first line of a command, or the line after a chunk that was not lost): it extends over every line
 * break bash must read past. A chunk is at least one line.
 */
export function chunkAt(lines: readonly string[], start: number): Chunk {
  const state: LexState = { pending: [], bodies: [], afterBodies: false };
  for (let i = start; i < lines.length; i++) {
    const goesOn = nextLine(state, lines[i]!);
    if (goesOn === 'lost') return { end: i + 1, lost: true };
    if (!goesOn) return { end: i + 1, lost: false };
  }
  return { end: lines.length, lost: false };
}

/** Read one line; say whether bash must read the next one as part of the same command. */
function nextLine(state: LexState, line: string): boolean | 'lost' {
  const body = state.bodies[0];
  if (body) {
    const text = body.strip ? line.replace(/^\t+/, '') : line;
    if (text === body.word) {
      state.bodies.shift();
      return state.bodies.length > 0 || state.afterBodies;
    }
    // An unquoted here-document joins a line ending in `\` to the next, which then cannot end it.
    if (!body.quoted && line.endsWith('\\')) return 'lost';
    return true;
  }
  const end = lexLine(state, line);
  if (end === 'lost') return 'lost';
  if (state.quote || end === 'backslash') return true;
  if (state.pending.length > 0) {
    state.bodies = state.pending;
    state.pending = [];
    state.afterBodies = end === 'operator';
    return true;
  }
  return end === 'operator';
}

/**
 * Lex one line from the state's quote. Returns how it ends outside quotes: a `\` joining the next line,
 * an operator that wants more (`|`, `&&`, `||`), anything else, or `lost`.
 */
function lexLine(state: LexState, line: string): 'backslash' | 'operator' | 'other' | 'lost' {
  let i = 0;
  // The run of `|`/`&` last seen outside quotes, and whether a blank followed it (`& &` is not `&&`).
  let op = '';
  let opClosed = false;
  while (i < line.length) {
    const c = line[i]!;
    if (state.quote) {
      const closed = inQuote(state, line, i);
      if (closed === 'lost') return 'lost';
      i = closed;
      continue;
    }
    const next = line[i + 1];
    if (c === ' ' || c === '\t') {
      opClosed = op !== '';
      i++;
      continue;
    }
    if (c === '|' || c === '&') {
      // `>|` and `>&` are redirections, not operators.
      if (line[i - 1] === '>') op = '';
      else if (op && !opClosed) op += c;
      else [op, opClosed] = [c, false];
      i++;
      continue;
    }
    // A word that starts with `#` is a comment to the end of the line (`a && # why` still wants more).
    if (c === '#' && (i === 0 || /[\s;&|()<>]/.test(line[i - 1]!))) break;
    op = '';
    if (c === '\\') {
      if (i === line.length - 1) return 'backslash';
      i += 2;
    } else if (c === "'" || c === '"') {
      state.quote = c;
      i++;
    } else if (c === '$') {
      const skipped = afterDollar(state, line, i);
      if (skipped === 'lost') return 'lost';
      i = skipped;
    } else if (c === '`') return 'lost';
    else if ((c === '(' && next === '(') || ((c === '<' || c === '>') && next === '(')) return 'lost';
    else if (c === '<' && next === '<') {
      if (line[i + 2] === '<') {
        i += 3;
        continue;
      }
      const parsed = hereDocWord(line, i + 2);
      if (!parsed) return 'lost';
      state.pending.push(parsed.doc);
      i = parsed.end;
    } else i++;
  }
  return op === '|' || op === '&&' || op === '||' ? 'operator' : 'other';
}

/**
 * Past a `$` at `i` outside quotes: `$'` and `$"` open quotes, `${NAME}` is skipped; other substitutions
 * are not modelled.
 */
function afterDollar(state: LexState, line: string, i: number): number | 'lost' {
  const next = line[i + 1];
  if (next === "'" || next === '"') {
    state.quote = next === "'" ? "$'" : '"';
    return i + 2;
  }
  if (next === '{') return simpleBraces(line, i);
  if (next === '(' || next === '[') return 'lost';
  // `$#`, `$$`, `$1`: skipped so that `#` is not read as a comment. `$\"` is a `$` then an escaped quote.
  return next !== undefined && /[#?$!@*0-9A-Za-z_-]/.test(next) ? i + 2 : i + 1;
}

/** Past `${NAME}` at `i` (`$` included); any other `${...}` may hold quotes of its own: not modelled. */
function simpleBraces(line: string, i: number): number | 'lost' {
  const simple = /^\$\{(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)\}/.exec(line.slice(i));
  return simple ? i + simple[0].length : 'lost';
}

/** Advance inside the open quote from `i`: the index after its closing quote, or the line's end. */
function inQuote(state: LexState, line: string, i: number): number | 'lost' {
  const quote = state.quote!;
  for (let j = i; j < line.length; j++) {
    const c = line[j]!;
    if (quote === "'") {
      if (c === "'") return close(state, j);
      continue;
    }
    if (c === '\\') {
      j++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') return close(state, j);
      if (c === '$' && line[j + 1] === '{') {
        const past = simpleBraces(line, j);
        if (past === 'lost') return 'lost';
        j = past - 1;
        continue;
      }
      // Substitutions inside double quotes bring their own quoting: not modelled.
      if (c === '`' || (c === '$' && /[([]/.test(line[j + 1] ?? ''))) return 'lost';
    } else if (c === "'") return close(state, j);
  }
  return line.length;
}

function close(state: LexState, j: number): number {
  delete state.quote;
  return j + 1;
}

/**
 * The delimiter word after `<<` (or `<<-`) at `from`: quotes removed, as bash compares it. Undefined for
 * what is not modelled: an empty word, `$` or a backquote in it, a backslash inside double quotes.
 */
function hereDocWord(line: string, from: number): { doc: HereDoc; end: number } | undefined {
  let i = from;
  const strip = line[i] === '-';
  if (strip) i++;
  while (line[i] === ' ' || line[i] === '\t') i++;
  let word = '';
  let quoted = false;
  while (i < line.length && !/[\s;&|()<>]/.test(line[i]!)) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      if (close < 0) return undefined;
      const inner = line.slice(i + 1, close);
      if (c === '"' && /[\\$`]/.test(inner)) return undefined;
      word += inner;
      quoted = true;
      i = close + 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return undefined;
      word += line[i + 1];
      quoted = true;
      i += 2;
    } else if (c === '$' || c === '`') return undefined;
    else {
      word += c;
      i++;
    }
  }
  return word ? { doc: { word, strip, quoted }, end: i } : undefined;
}
