import type { Step } from '../model.js';

/** One shell word of a step, unquoted, with its place in the lesson file. */
export interface Word {
  /** The word as the shell sees it after quote removal (templates left as written). */
  text: string;
  line: number;
  column: number;
  /** Characters the word spans on its line, quotes included (for the caret). */
  length: number;
}

/** A simple command: its words in order (redirection operators are words of their own). */
export interface ShellCommand {
  words: Word[];
}

/** The body of a here-document: the text a step writes to a file, with the line it starts on. */
export interface HereDoc {
  text: string;
  /** File line of the body's first line. */
  line: number;
}

/** What a step's code holds, for rules that read commands and the files a lesson writes. */
export interface ScannedStep {
  commands: ShellCommand[];
  heredocs: HereDoc[];
}

const TERMINATORS = new Set([';', '&', '|', '(', ')', '`', '\n']);

/**
 * Split a step's code into simple commands and here-document bodies. It understands what lessons write
 * (quotes, escapes, comments, `\` line continuations, `;` `&&` `||` `|` `$(...)`, `<<EOF` bodies), not
 * all of bash: it is for finding programs and flags, never for running anything. Pure.
 */
export function scanStep(step: Step): ScannedStep {
  // Every rule scans every step: once per step is enough (a lesson is not changed while it is linted,
  // and no caller changes what it gets).
  let scanned = scannedSteps.get(step);
  if (!scanned) {
    scanned = scanShell(step.code, step.pos.line + 1);
    scannedSteps.set(step, scanned);
  }
  return scanned;
}

const scannedSteps = new WeakMap<Step, ScannedStep>();

/** A step that expects its command to fail (`expect=fail`, or a non-zero `exit=`): rules exempt it. */
export function expectsFailure(step: Step): boolean {
  return step.expect.fail === true || (step.expect.exit !== undefined && step.expect.exit !== 0);
}

/** {@link scanStep} on raw text whose first line is file line `firstLine`. */
export function scanShell(code: string, firstLine: number): ScannedStep {
  const lines = code.split('\n');
  const commands: ShellCommand[] = [];
  const heredocs: HereDoc[] = [];
  let words: Word[] = [];
  let pending: { delimiter: string; stripTabs: boolean }[] = [];
  const endCommand = (): void => {
    if (words.length > 0) commands.push({ words });
    words = [];
  };
  let row = 0;
  while (row < lines.length) {
    const text = lines[row] ?? '';
    const line = firstLine + row;
    let i = 0;
    let continued = false;
    while (i < text.length) {
      const ch = text[i] ?? '';
      if (ch === ' ' || ch === '\t') {
        i++;
        continue;
      }
      if (ch === '#') break;
      if (ch === '\\' && i === text.length - 1) {
        continued = true;
        break;
      }
      if (TERMINATORS.has(ch) || (ch === '$' && text[i + 1] === '(')) {
        endCommand();
        i += ch === '$' ? 2 : 1;
        continue;
      }
      const heredoc = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(text.slice(i));
      if (heredoc && text[i + 2] !== '<') {
        pending.push({ delimiter: heredoc[3] ?? '', stripTabs: heredoc[1] === '-' });
        words.push({ text: '<<', line, column: i + 1, length: 2 });
        i += heredoc[0].length;
        continue;
      }
      if (ch === '>' || ch === '<') {
        const op = /^[<>]+&?[0-9-]*/.exec(text.slice(i))?.[0] ?? ch;
        words.push({ text: op, line, column: i + 1, length: op.length });
        i += op.length;
        continue;
      }
      const start = i;
      let value = '';
      while (i < text.length) {
        const c = text[i] ?? '';
        if (c === ' ' || c === '\t' || TERMINATORS.has(c) || c === '>' || c === '<') break;
        if (c === '$' && text[i + 1] === '(') break;
        if (c === '\\') {
          if (i === text.length - 1) break;
          value += text[i + 1] ?? '';
          i += 2;
          continue;
        }
        if (c === "'") {
          const close = text.indexOf("'", i + 1);
          const end = close === -1 ? text.length : close;
          value += text.slice(i + 1, end);
          i = end + 1;
          continue;
        }
        if (c === '"') {
          let j = i + 1;
          while (j < text.length && text[j] !== '"') {
            if (text[j] === '\\' && j + 1 < text.length) {
              value += text[j + 1];
              j += 2;
            } else value += text[j++];
          }
          i = j + 1;
          continue;
        }
        value += c;
        i++;
      }
      words.push({ text: value, line, column: start + 1, length: Math.min(i, text.length) - start });
    }
    row++;
    if (continued) continue;
    endCommand();
    // Here-document bodies follow the line that opened them, in order.
    for (const doc of pending) {
      const body: string[] = [];
      const bodyLine = firstLine + row;
      while (row < lines.length) {
        const raw = lines[row] ?? '';
        row++;
        const candidate = doc.stripTabs ? raw.replace(/^\t+/, '') : raw;
        if (candidate === doc.delimiter) break;
        body.push(raw);
      }
      heredocs.push({ text: body.join('\n'), line: bodyLine });
    }
    pending = [];
  }
  endCommand();
  return { commands, heredocs };
}
