import type { EngineState } from '../engine/machine.js';
import type { Lesson } from '../lesson/model.js';
import type { SessionLiveness } from './components.js';
import type { TerminalContent } from './frame.js';

/**
 * When the terminal pane may change session, and how the lesson's windows are kept at its size.
 *
 * Why this matters: tmux resizes a window to the client that shows it, and a resize makes bash's
 * readline redraw its prompt. The engine reads the prompt's marks in the session's log to know when a
 * typed line ended, so a redraw while it types can be taken for the end of the line. The presenter
 * therefore never makes a window change size while the engine types into it: windows are brought to
 * the pane's size (and tmux's status line turned off in them) while the engine is idle, and the client
 * switches to the session a step types into only when that costs no resize, or once the command runs.
 */

/** The terminal pane's size in cells (the client's size, which is the window size wanted). */
export interface PaneSize {
  cols: number;
  rows: number;
}

/** True when a session's window already has the pane's size with the status line off. */
export function fitsPane(live: SessionLiveness | undefined, size: PaneSize): boolean {
  const w = live?.window;
  return w !== undefined && w.statusOff && w.width === size.cols && w.height === size.rows;
}

/**
 * May the client show `session` now? Always, unless the engine is typing into it (its step runs there
 * and nothing but the shell is in the foreground yet) and showing it would resize its window.
 */
export function safeToShow(
  session: string,
  engine: EngineState,
  live: ReadonlyMap<string, SessionLiveness>,
  size: PaneSize,
): boolean {
  if (engine.activity.kind !== 'step') return true;
  const step = engine.plan.steps[engine.activity.step];
  if (!step || step.session !== session) return true;
  const info = live.get(session);
  if (!info?.exists) return false;
  return info.busy || fitsPane(info, size);
}

/**
 * The tmux commands that give every existing session's window the pane's size and no status line,
 * to run only while the engine is idle. The session the client shows is left to tmux (it follows the
 * client), except for its status line.
 */
export function fitCommands(
  live: ReadonlyMap<string, SessionLiveness>,
  size: PaneSize,
  shown: string | null,
): string[][] {
  const commands: string[][] = [];
  for (const [session, info] of live) {
    if (!info.exists || !info.window) continue;
    const target = `=${session}:`;
    if (!info.window.statusOff) commands.push(['set-option', '-t', target, 'status', 'off']);
    if (session === shown) continue;
    if (info.window.width !== size.cols || info.window.height !== size.rows) {
      // resize-window pins the window's size; unsetting window-size lets it follow a client again.
      commands.push(['resize-window', '-t', target, '-x', String(size.cols), '-y', String(size.rows)]);
      commands.push(['set-option', '-wu', '-t', target, 'window-size']);
    }
  }
  return commands;
}

/** The engine is doing nothing: no run, no step, no reset. */
export function engineIdle(engine: EngineState): boolean {
  return engine.run === null && engine.activity.kind === 'idle';
}

/**
 * What to do now: the window fits to run (only while the engine is idle), and whether to show the
 * session the UI wants (it exists, the client shows another one, and that is safe).
 */
export function planSync(
  wanted: string,
  engine: EngineState,
  live: ReadonlyMap<string, SessionLiveness>,
  client: { session: string | null; size: PaneSize },
): { fit: string[][]; show: boolean } {
  const fit = engineIdle(engine) ? fitCommands(live, client.size, client.session) : [];
  const show =
    client.session !== wanted &&
    live.get(wanted)?.exists === true &&
    safeToShow(wanted, engine, live, client.size);
  return { fit, show };
}

/** What the terminal pane says while the client does not show the session it should. */
export function placeholder(
  session: string,
  lesson: Lesson,
  live: SessionLiveness | undefined,
): TerminalContent {
  const component = Object.values(lesson.components).find((c) => c.session === session);
  const name = component?.name ?? session;
  if (live?.exists) return { kind: 'absent', reason: `${name}: its command is being typed…` };
  return {
    kind: 'absent',
    reason: component ? `${name} is not started yet` : `no session '${name}' yet`,
    hint: 'it appears here when a step starts it',
  };
}
