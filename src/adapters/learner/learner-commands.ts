import type { LearnerCommand } from '../../engine/learner/attempts.js';
import { cleanOutput } from '../tmux/shell-marks.js';

// OSC 133;C (a command starts), 133;D;N (it ended), 633;E;LINE (its command line), 133;A (a prompt).
const MARKS = /\x1b\](133;[ACD]|633;E;)([^\x07\x1b]*)(?:\x07|\x1b\\)/g;

/**
 * The commands a person ran in a session, read from its log text: each `C` (the line was read) … `D;N`
 * (it ended with N) … `E;LINE` (the prompt's report of the line just added to the history). A prompt with
 * no `C` before it (an empty line) is no command. `end` is the offset past the last command's `E`, where
 * the next read may start. Pure.
 */
export function scanLearnerCommands(text: string): { commands: LearnerCommand[]; end: number } {
  const commands: LearnerCommand[] = [];
  let end = 0;
  let started: number | undefined;
  let ended: { status: number; output: string } | undefined;
  for (const m of text.matchAll(MARKS)) {
    const kind = m[1] ?? '';
    const at = m.index ?? 0;
    const after = at + m[0].length;
    if (kind === '133;C') {
      started = after;
      ended = undefined;
    } else if (kind === '133;D') {
      if (started !== undefined) {
        const status = Number((m[2] ?? '').replace(/^;/, '').split(';')[0]);
        ended = {
          status: Number.isInteger(status) ? status : 0,
          output: cleanOutput(text.slice(started, at)),
        };
      }
    } else if (kind === '633;E;') {
      if (ended) {
        commands.push({ text: decodeLine(m[2] ?? ''), exitStatus: ended.status, output: ended.output });
        end = after;
      }
      started = undefined;
      ended = undefined;
    } else if (kind === '133;A' && !(m[2] ?? '').includes('k=s') && ended) {
      // A prompt after D with no E: the line was not added to the history (it began with a space).
      started = undefined;
      ended = undefined;
      end = after;
    }
  }
  return { commands, end };
}

/** Undo the prompt's %-escapes (%25 %0A %07 %1B). */
function decodeLine(text: string): string {
  return text.replace(/%(25|0A|07|1B)/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
}
