import { findTemplates, templateValue, type TemplateContext, type TemplateUse } from './templates.js';

/**
 * Templates in a step's command are filled in before bash reads it, so a value must come out as the text
 * the lesson meant, whatever it holds (a work directory under `/home/Jean Dupont`, a `--pin` with a `;`):
 * the value is quoted for the place the template stands in.
 *
 * | the template stands                          | its value is                                             |
 * | -------------------------------------------- | -------------------------------------------------------- |
 * | in a plain shell word (`--dir=${lesson.workdir}/x`, also inside `$(...)` and backquotes) | single-quoted when it holds anything but `A-Z a-z 0-9 _ @ % + = : , . / -` |
 * | inside `"..."`                               | with `\`, `"`, `$` and a backquote escaped               |
 * | inside `'...'`                               | with each `'` written `'\''`                             |
 * | inside `$'...'`                              | with `\` and `'` escaped                                 |
 * | in a here-document body (`<<'EOF'`), a comment | as it is: the file's own syntax is the lesson's business |
 * | in a here-document body bash expands (`<<EOF`) | with `\`, `$` and a backquote escaped: bash writes the value as it is |
 * | right after a `\` (`\${lesson.workdir}`)      | as it is                                                 |
 *
 * A value that needs none of this (every value of the built-in lesson on a usual machine) is pasted
 * unchanged. Pure.
 */

/** Where a template stands in shell code. */
export type ShellPlace =
  | 'word'
  | 'double'
  | 'single'
  | 'ansi'
  /** The body of a here-document whose delimiter is quoted (`<<'EOF'`): bash expands nothing there. */
  | 'heredoc'
  /** The body of a here-document whose delimiter is not quoted (`<<EOF`): bash expands `$`, `` ` ``, `\`. */
  | 'heredoc-expanded'
  | 'comment'
  | 'escaped';

/** A template of shell code, with the place it stands in. */
export interface ShellTemplateUse extends TemplateUse {
  place: ShellPlace;
}

type Frame =
  | { kind: 'top' }
  | { kind: 'subst'; parens: number }
  | { kind: 'backquote' }
  | { kind: 'double' }
  | { kind: 'single' }
  | { kind: 'ansi' };

/** Characters after which a `#` starts a comment. */
const WORD_BREAK = /[\s;&|()<>]/;
/** A here-document operator and its delimiter: `<<EOF`, `<<-'EOF'`, `<< "END"`, `<<\EOF`. */
const HEREDOC = /^<<(-?)[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|(\\?)([^\s;&|<>()'"]+))/;

/** Every template of a shell text, with the place it stands in (see above). Never throws. */
export function shellTemplates(code: string): ShellTemplateUse[] {
  const starts = new Map<number, TemplateUse>();
  for (const use of findTemplates(code)) starts.set(use.offset, use);
  const out: ShellTemplateUse[] = [];
  const stack: Frame[] = [{ kind: 'top' }];
  const pending: { delimiter: string; stripTabs: boolean; expanded: boolean }[] = [];
  const record = (from: number, to: number, place: ShellPlace): void => {
    for (let k = from; k < to; k++) {
      const use = starts.get(k);
      if (use) out.push({ ...use, place });
    }
  };
  let i = 0;
  while (i < code.length) {
    const frame = stack[stack.length - 1] ?? { kind: 'top' };
    const ch = code[i] ?? '';
    const use = starts.get(i);
    if (use) {
      out.push({ ...use, place: placeOf(frame) });
      i += use.raw.length;
      continue;
    }
    if (frame.kind === 'single') {
      if (ch === "'") stack.pop();
      i++;
      continue;
    }
    if (frame.kind === 'ansi' || frame.kind === 'double') {
      if (ch === '\\') i += 2;
      else if (frame.kind === 'ansi' ? ch === "'" : ch === '"') {
        stack.pop();
        i++;
      } else if (frame.kind === 'double' && ch === '$' && code[i + 1] === '(') {
        stack.push({ kind: 'subst', parens: 0 });
        i += 2;
      } else if (frame.kind === 'double' && ch === '`') {
        stack.push({ kind: 'backquote' });
        i++;
      } else i++;
      continue;
    }
    // Shell code: the top level, inside $(...) or inside backquotes.
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '#' && (i === 0 || WORD_BREAK.test(code[i - 1] ?? ''))) {
      const end = code.indexOf('\n', i);
      const stop = end === -1 ? code.length : end;
      record(i, stop, 'comment');
      i = stop;
      continue;
    }
    if (ch === '\n') {
      i++;
      // Here-document bodies follow the line that opened them, in order.
      for (const doc of pending) {
        while (i < code.length) {
          const end = code.indexOf('\n', i);
          const stop = end === -1 ? code.length : end;
          const line = code.slice(i, stop);
          record(i, stop, doc.expanded ? 'heredoc-expanded' : 'heredoc');
          i = stop + 1;
          if ((doc.stripTabs ? line.replace(/^\t+/, '') : line) === doc.delimiter) break;
        }
      }
      pending.length = 0;
      continue;
    }
    if (ch === "'") stack.push({ kind: 'single' });
    else if (ch === '"') stack.push({ kind: 'double' });
    else if (ch === '$' && (code[i + 1] === "'" || code[i + 1] === '"')) {
      stack.push({ kind: code[i + 1] === "'" ? 'ansi' : 'double' });
      i++;
    } else if (ch === '$' && code[i + 1] === '(') {
      stack.push({ kind: 'subst', parens: 0 });
      i++;
    } else if (ch === '`') {
      if (frame.kind === 'backquote') stack.pop();
      else stack.push({ kind: 'backquote' });
    } else if (frame.kind === 'subst' && ch === '(') frame.parens++;
    else if (frame.kind === 'subst' && ch === ')') {
      if (frame.parens > 0) frame.parens--;
      else stack.pop();
    } else if (ch === '<' && code.startsWith('<<<', i)) i += 2;
    else if (ch === '<' && code[i + 1] === '<') {
      const m = HEREDOC.exec(code.slice(i));
      if (m) {
        pending.push({
          delimiter: m[2] ?? m[3] ?? m[5] ?? '',
          stripTabs: m[1] === '-',
          expanded: m[5] !== undefined && m[4] === '',
        });
        i += m[0].length;
        continue;
      }
      i++;
    }
    i++;
  }
  // A template whose `$` a backslash escaped was stepped over: it is pasted as it is.
  const seen = new Set(out.map((u) => u.offset));
  for (const [offset, use] of starts) if (!seen.has(offset)) out.push({ ...use, place: 'escaped' });
  return out.sort((a, b) => a.offset - b.offset);
}

function placeOf(frame: Frame): ShellPlace {
  switch (frame.kind) {
    case 'double':
      return 'double';
    case 'single':
      return 'single';
    case 'ansi':
      return 'ansi';
    default:
      return 'word';
  }
}

/** Characters a value may hold and still be pasted bare into a shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]*$/;

/**
 * A value as it must be written at a place of shell code to mean itself: `/tmp/Jean Dupont` in a word
 * becomes `'/tmp/Jean Dupont'`; the same inside `"..."` stays as it is. An empty value stays empty.
 */
export function quoteForShell(value: string, place: ShellPlace): string {
  switch (place) {
    case 'word':
      return SAFE_WORD.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
    case 'double':
      return value.replace(/[\\"$`]/g, '\\$&');
    case 'single':
      return value.replace(/'/g, `'\\''`);
    case 'ansi':
      return value.replace(/[\\']/g, '\\$&');
    case 'heredoc-expanded':
      return value.replace(/[\\$`]/g, '\\$&');
    case 'heredoc':
    case 'comment':
    case 'escaped':
      return value;
  }
}

/**
 * Fill in the templates of shell code, each value quoted for the place it stands in (see above); a
 * template the context does not know is left as written (lint reports it). Pure.
 */
export function resolveShellTemplates(code: string, context: TemplateContext): string {
  const uses = shellTemplates(code);
  let out = '';
  let from = 0;
  for (const use of uses) {
    const value = templateValue(context, use.namespace, use.key);
    if (value === undefined) continue;
    out += code.slice(from, use.offset) + quoteForShell(value, use.place);
    from = use.offset + use.raw.length;
  }
  return out + code.slice(from);
}
