import type { EngineState } from '../../engine/machine.js';
import type { Lesson } from '../../lesson/model.js';
import type { SessionLiveness } from '../presenter/component-views.js';
import type { TerminalContent } from '../presenter/frame.js';
import { EN, type Words } from '../presenter/i18n.js';

/**
 * How the lesson's windows are kept at the terminal pane's size, and when the pane may change session.
 *
 * tmux resizes a window to the client that shows it, and a resize makes bash's readline redraw its
 * prompt. The engine reads the prompt's marks in the session's log to know when a typed line ended; it
 * tells a redrawn prompt from a real one, but a window that changes size under a command being typed
 * is still a jolt the audience sees. So every window has the pane's size from the moment it exists:
 * a `session-created` hook on the lesson's server sizes each new session's window and turns its status
 * line off before its shell has printed anything (a replay recreates every session while the engine
 * types), and windows made before the presenter opened are fitted as soon as nothing is typed into
 * them. The client can then show any session at any time, a replay included, at no resize.
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
 * The tmux command that makes every session created from now on (by the engine, a replay, a reset)
 * start with a window of the pane's size and no status line. The hook's commands run on the server
 * right after `new-session`, in the same pass of its command queue, so the shell starts at that size.
 * `resize-window` pins the size; unsetting `window-size` lets the window follow the client again.
 */
export function sizeHookCommand(size: PaneSize): string[] {
  const fit = `set-option status off ; resize-window -x ${size.cols} -y ${size.rows} ; set-option -wu window-size`;
  return ['set-hook', '-g', 'session-created', fit];
}

/** The command that removes the hook (the presenter closed: nothing to follow any more). */
export const UNHOOK_COMMAND = ['set-hook', '-gu', 'session-created'];

/**
 * The session the engine is typing into, if any: a step runs there. Its window is left as it is until
 * the step ends (a window that already fits stays so; one that does not is not resized under a command
 * being typed).
 */
export function typingInto(engine: EngineState): string | undefined {
  if (engine.activity.kind !== 'step') return undefined;
  return engine.plan.steps[engine.activity.step]?.session;
}

/**
 * May the client show `session` now? Always, unless the engine is typing into it and its window does
 * not have the pane's size (showing it would resize it). What the monitor saw of a session may be from
 * before a reset recreated it, so only the window's size counts here, never whether a program runs.
 */
export function safeToShow(
  session: string,
  engine: EngineState,
  live: ReadonlyMap<string, SessionLiveness>,
  size: PaneSize,
): boolean {
  if (typingInto(engine) !== session) return true;
  const info = live.get(session);
  return info?.exists === true && fitsPane(info, size);
}

/**
 * The tmux commands that give every existing session's window the pane's size and no status line,
 * except the one the engine types into. The session the client shows is left to tmux (it follows the
 * client), except for its status line.
 */
export function fitCommands(
  live: ReadonlyMap<string, SessionLiveness>,
  size: PaneSize,
  shown: string | null,
  typing?: string,
): string[][] {
  const commands: string[][] = [];
  for (const [session, info] of live) {
    if (!info.exists || !info.window || session === typing) continue;
    const target = `=${session}:`;
    if (!info.window.statusOff) commands.push(['set-option', '-t', target, 'status', 'off']);
    if (session === shown) continue;
    if (info.window.width !== size.cols || info.window.height !== size.rows) {
      commands.push(['resize-window', '-t', target, '-x', String(size.cols), '-y', String(size.rows)]);
      commands.push(['set-option', '-wu', '-t', target, 'window-size']);
    }
  }
  return commands;
}

/**
 * What to do now: the window fits to run (all but the session typed into), and whether to show the
 * session the UI wants (it exists, the client shows another one, and that is safe).
 */
export function planSync(
  wanted: string,
  engine: EngineState,
  live: ReadonlyMap<string, SessionLiveness>,
  client: { session: string | null; size: PaneSize },
): { fit: string[][]; show: boolean } {
  const fit = fitCommands(live, client.size, client.session, typingInto(engine));
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
  words: Words = EN,
): TerminalContent {
  const component = Object.values(lesson.components).find((c) => c.session === session);
  const name = component?.name ?? session;
  // The client is on its way to it (attaching takes a moment): an empty terminal, not a message.
  if (live?.exists) return { kind: 'live', lines: [] };
  return {
    kind: 'absent',
    reason: component ? words.notStartedYet(name) : words.noSessionYet(name),
    hint: words.appearsHere,
  };
}
