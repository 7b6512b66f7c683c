import { engineIdle, type EngineState } from '../../engine/machine.js';
import { fitAnsi, visibleWidth } from '../text/ansi.js';
import { wrapPlain } from '../text/ansi-wrap.js';
import { keysOf } from './key-labels.js';
import type { Keymap } from './keymap.js';
import { EN, type Words } from './i18n.js';
import type { Theme } from './theme.js';

/** What went wrong in the last run, as the failure panel tells it. */
export interface FailureView {
  /** The failed step's index in the plan (absent when the machine could not be reset). */
  step?: number;
  /** The machine could not be reset: trying again means replaying the chapter, not running a step. */
  replay?: true;
  session?: string;
  title: string;
  /** The expectation that failed, as the lesson writes it. */
  expectation?: string;
  reason: string;
  logTail: string[];
}

/**
 * The failure of the last run, if it failed and nothing runs now. Pure: read from the engine's state,
 * so a presenter reopened after a failure shows it again.
 */
export function currentFailure(engine: EngineState, words: Words = EN): FailureView | undefined {
  const last = engine.lastRun;
  if (!last || last.kind === 'ok' || !engineIdle(engine)) return undefined;
  // Only a failed reset is told as one (its `r` replays the chapter); a run stopped by an error of its
  // own, such as state.json that could not be written, says so, and `r` runs the step again.
  if (last.kind === 'reset-failed')
    return { title: words.resetFailed, reason: last.error, logTail: [], replay: true };
  if (last.error !== undefined) {
    const at = last.kind === 'step-failed' ? engine.plan.steps[last.step] : undefined;
    return {
      ...(at ? { step: at.index, session: at.session } : {}),
      title: words.runStopped,
      reason: last.error,
      logTail: [],
    };
  }
  if (last.kind !== 'step-failed') return undefined;
  const step = engine.plan.steps[last.step];
  const outcome = engine.steps[last.step]?.outcome;
  if (!step || !outcome) return undefined;
  const base = { step: step.index, session: step.session };
  if (outcome.kind === 'failed') {
    return {
      ...base,
      title: words.stepFailed(step.index + 1, step.name),
      expectation: outcome.expectation,
      reason: outcome.reason,
      logTail: outcome.logTail,
    };
  }
  if (outcome.kind === 'timed-out') {
    return {
      ...base,
      title: words.stepTimedOut(step.index + 1, step.name),
      reason: words.stillWaiting(outcome.waitingFor),
      logTail: outcome.logTail,
    };
  }
  return undefined;
}

/**
 * The failure panel: a red title bar, what was expected and why it failed in bold, the session's last
 * lines, and the three ways on in large key labels. Built to be read from the back of a room: short
 * lines, no dim text for what matters, the keys first. Returns at most `height` lines of `width`.
 */
export function renderFailurePanel(
  failure: FailureView,
  keymap: Keymap,
  options: { width: number; height: number; theme: Theme; words?: Words },
): string[] {
  const { width, height, theme } = options;
  const words = options.words ?? EN;
  const inner = Math.max(10, width - 4);
  const body: string[] = [];
  const put = (text: string, style: (s: string) => string): void => {
    for (const line of wrapPlain(text, inner)) body.push(style(line));
  };
  if (failure.expectation) put(words.expected(failure.expectation), theme.alertText);
  put(failure.reason, theme.alertText);
  const actions = [
    `${keysOf(keymap, 'run-step')} ${words.retry}`,
    ...(failure.session ? [`${keysOf(keymap, 'show-logs')} ${words.showLogs}`] : []),
    `${keysOf(keymap, 'replay-chapter')} ${words.replayChapter}`,
    `${keysOf(keymap, 'dismiss')} ${words.close}`,
  ];
  // The ways on, as many per line as fit: a key is never cut off the edge of the screen.
  const actionLines: string[] = [];
  for (const action of actions) {
    const last = actionLines[actionLines.length - 1];
    if (last !== undefined && visibleWidth(last) + 3 + visibleWidth(action) <= inner) {
      actionLines[actionLines.length - 1] = `${last}   ${theme.key(action)}`;
    } else actionLines.push(theme.key(action));
  }
  // The keys stay on screen however small it is; the last log lines, wrapped (what matters is often
  // at their end), take what room is left: title, body, blank, tail, blank, keys.
  const room = Math.max(0, height - 1 - body.length - 2 - actionLines.length);
  const tail = failure.logTail.flatMap((line) => wrapPlain(line, inner - 2)).slice(-Math.min(room, 10));
  if (tail.length > 0 && room > 0) {
    body.push('');
    for (const line of tail) body.push(theme.dim(`│ ${line}`));
  }
  body.push('');
  body.push(...actionLines);
  const title = theme.alertTitle(fitAnsi(` ✗ ${failure.title}`, width));
  const lines = [title, ...body.map((l) => ` ${fitAnsi(l, width - 2)} `)];
  if (lines.length < height) lines.push(' '.repeat(width));
  if (lines.length > height) return [title, ...lines.slice(lines.length - height + 1)];
  return lines.map((l) => fitAnsi(l, width));
}
