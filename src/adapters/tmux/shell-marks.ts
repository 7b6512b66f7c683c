/**
 * Shell integration marks (FinalTerm / OSC 133), as the prompt the engine installs prints them into the
 * session's log: `A` a primary prompt is shown, `A;k=s` a continuation prompt (PS2), `B` the prompt
 * ends, `C` a command line was read and starts to run (PS0), `D;N` the last command ended with status N
 * (PROMPT_COMMAND). tmux swallows them on screen, so the audience sees nothing; pipe-pane keeps them in
 * the log, where the engine reads them. Pure parsing, unit-tested.
 */

import { stripAnsi } from '../../escapes.js';

/** One mark found in the log text. */
export interface ShellMark {
  kind: 'prompt' | 'continuation' | 'prompt-end' | 'command-start' | 'command-end';
  /** Exit status of a `command-end` mark. */
  status?: number;
  /** Offset of the mark's first character in the text, and just past its end. */
  start: number;
  end: number;
}

// OSC 133 ; <A|B|C|D>[;params] terminated by BEL or ST.
const MARK = /\x1b\]133;([ABCD])((?:;[^\x07\x1b]*)?)(?:\x07|\x1b\\)/g;

/** Every complete mark in `text`, in order. */
export function scanMarks(text: string): ShellMark[] {
  const marks: ShellMark[] = [];
  for (const m of text.matchAll(MARK)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const params = (m[2] ?? '').slice(1);
    switch (m[1]) {
      case 'A':
        marks.push({ kind: params.includes('k=s') ? 'continuation' : 'prompt', start, end });
        break;
      case 'B':
        marks.push({ kind: 'prompt-end', start, end });
        break;
      case 'C':
        marks.push({ kind: 'command-start', start, end });
        break;
      case 'D': {
        const status = Number(params.split(';')[0]);
        marks.push({ kind: 'command-end', start, end, ...(Number.isInteger(status) ? { status } : {}) });
        break;
      }
    }
  }
  return marks;
}

/**
 * What happened after one line was typed and Enter pressed, read from the log text written since:
 * - `continuation`: the shell wants more lines (PS2: an open quote, a trailing `\`, a heredoc);
 * - `prompt`: the shell is back at its prompt; `ran` says whether a command ran (not for an empty or
 *   comment line), with its status and output;
 * - undefined: not finished yet.
 */
export type LineCycle =
  | { kind: 'continuation'; end: number }
  | { kind: 'prompt'; ran: boolean; status: number; output: string; end: number };

/** Decide a line's cycle from the log text written since it was typed (see {@link LineCycle}). */
export function lineCycle(text: string): LineCycle | undefined {
  let commandStart: ShellMark | undefined;
  let commandEnd: ShellMark | undefined;
  for (const mark of scanMarks(text)) {
    if (mark.kind === 'command-start' && !commandStart) commandStart = mark;
    else if (mark.kind === 'command-end' && !commandEnd) commandEnd = mark;
    else if (mark.kind === 'continuation' && !commandStart) return { kind: 'continuation', end: mark.end };
    else if (mark.kind === 'prompt') {
      // PROMPT_COMMAND prints D before every real prompt, even after an empty line; readline redraws its
      // prompt (a window resized while a line is typed) without it. A prompt with no D before it is a
      // redraw, not the end of the line.
      if (!commandEnd) continue;
      const ran = commandStart !== undefined && commandEnd !== undefined;
      const output = ran ? cleanOutput(text.slice(commandStart!.end, commandEnd!.start)) : '';
      return { kind: 'prompt', ran, status: ran ? (commandEnd!.status ?? 0) : 0, output, end: mark.end };
    }
  }
  return undefined;
}

/** Offset just past the first `command-start` mark: where the command's own output begins. */
export function commandStartOffset(text: string): number | undefined {
  return scanMarks(text).find((m) => m.kind === 'command-start')?.end;
}

/**
 * Is the shell idle at its prompt, judging by the end of its log? True when the last mark is a prompt
 * (or its end); false while a command runs or more lines are awaited; undefined without any mark.
 */
export function shellIdle(tail: string): boolean | undefined {
  const marks = scanMarks(tail);
  const last = marks[marks.length - 1];
  if (!last) return undefined;
  return last.kind === 'prompt' || last.kind === 'prompt-end';
}

/** Remove terminal escape sequences, carriage-return overwrites and control characters: the text a person reads. */
export function stripEscapes(text: string): string {
  return stripAnsi(text)
    .replace(/\r+\n/g, '\n')
    .replace(/[^\n]*\r(?!\n)/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** A command's output as a person saw it: escapes removed, the line break bash adds before it trimmed. */
export function cleanOutput(raw: string): string {
  return stripEscapes(raw).replace(/^\n/, '');
}
