import type { EngineEvent, EngineState } from '../engine/machine.js';
import type { Lesson } from '../lesson/model.js';
import { currentFailure } from './failure.js';
import type { Action } from './keymap.js';

/** Which pane gets the keys: the narration (presenter keys) or the terminal (everything but one key). */
export type Focus = 'narration' | 'terminal';
/** Which pane fills the screen, if any. */
export type Zoom = 'none' | 'terminal' | 'narration';

/** A panel over the panes that takes the keys while it is open. */
export type Overlay =
  { kind: 'help' } | { kind: 'jump'; input: string; selected: number } | { kind: 'confirm-cleanup' };

/**
 * The presenter's own state: everything on screen that is not the engine's. The engine decides what
 * runs; this only decides what is shown where.
 */
export interface UiState {
  focus: Focus;
  zoom: Zoom;
  /** The tmux session shown in the terminal pane. */
  session: string;
  /** The terminal pane follows the session a step types into. */
  follow: boolean;
  /** First narration line shown; null follows the current step. */
  scroll: number | null;
  notes: boolean;
  overlay: Overlay | null;
  /** The failed step whose panel was closed (it opens again when a step runs and fails). */
  dismissedFailure: number | null;
  /** A short message for the status line (e.g. why a key did nothing). */
  message: string | null;
}

/** What the presenter shell must do besides drawing: things that touch the world. */
export type UiCommand =
  | { kind: 'quit' }
  | { kind: 'quit-cleanup' }
  | { kind: 'terminal-scroll'; direction: 'up' | 'down' }
  | { kind: 'redraw' };

/** The answer to a key: the new UI state, events for the engine, commands for the shell. */
export interface UiTransition {
  ui: UiState;
  events: EngineEvent[];
  commands: UiCommand[];
}

/** What the reducer reads besides its own state. */
export interface UiContext {
  engine: EngineState;
  /** Sessions in the order keys select them: the lesson's shell, then each component's. */
  sessions: string[];
  /** The narration's first line as shown now, its largest value, and the pane's height. */
  narration: { scroll: number; max: number; height: number };
}

/** The sessions the terminal pane can show: the lesson's shell first, then each component's. */
export function sessionsOf(lesson: Lesson, engine: EngineState): string[] {
  const components = Object.values(lesson.components).map((c) => c.session);
  return [engine.plan.shellSession, ...components.filter((s) => s !== engine.plan.shellSession)];
}

/** The presenter as it opens: the narration focused, the session of the current step in view. */
export function initialUi(engine: EngineState): UiState {
  const step = engine.plan.steps[engine.cursor] ?? engine.plan.steps[engine.cursor - 1];
  return {
    focus: 'narration',
    zoom: 'none',
    session: step?.session ?? engine.plan.shellSession,
    follow: true,
    scroll: null,
    notes: false,
    overlay: null,
    dismissedFailure: null,
    message: null,
  };
}

const busy = (engine: EngineState): boolean => engine.run !== null || engine.activity.kind !== 'idle';

/** Apply one action. Pure: the shell dispatches the events and performs the commands. */
export function onAction(ui0: UiState, action: Action, ctx: UiContext): UiTransition {
  const ui: UiState = { ...ui0, message: null };
  const { engine } = ctx;
  const plan = engine.plan;
  const none = (next: UiState = ui): UiTransition => ({ ui: next, events: [], commands: [] });
  const send = (events: EngineEvent[], next: UiState = ui): UiTransition => ({
    ui: next,
    events,
    commands: [],
  });
  const failure = currentFailure(engine);
  const failureShown = failure !== undefined && failure.step !== ui.dismissedFailure;
  const scrollTo = (n: number): UiTransition =>
    none({ ...ui, scroll: Math.max(0, Math.min(ctx.narration.max, n)) });
  switch (action) {
    case 'run-step': {
      if (busy(engine)) return none({ ...ui, message: 'a step is running: wait, or stop the run' });
      if (failureShown && failure.step !== undefined) {
        // Retry: bring the cursor back to the failed step, then run it.
        const back = Math.max(0, engine.cursor - failure.step);
        const events: EngineEvent[] = Array.from({ length: back }, () => ({ type: 'previous' }) as const);
        return send([...events, { type: 'run-step' }], { ...ui, scroll: null });
      }
      if (engine.cursor >= plan.steps.length)
        return none({ ...ui, message: 'the lesson is over: no step left' });
      return send([{ type: 'run-step' }], { ...ui, scroll: null });
    }
    case 'next-step':
      return send([{ type: 'next' }], { ...ui, scroll: null });
    case 'previous-step':
      return send([{ type: 'previous' }], { ...ui, scroll: null });
    case 'next-chapter':
    case 'previous-chapter': {
      const chapter = engine.chapter + (action === 'next-chapter' ? 1 : -1);
      if (chapter < 0 || chapter >= plan.chapters.length) return none();
      return send([{ type: 'jump-to-chapter', chapter }], { ...ui, scroll: null });
    }
    case 'jump-chapter':
      return none({ ...ui, overlay: { kind: 'jump', input: '', selected: engine.chapter } });
    case 'replay-chapter':
      if (busy(engine)) return none({ ...ui, message: 'a step is running: stop the run first' });
      return send([{ type: 'replay-chapter', chapter: engine.chapter }], { ...ui, scroll: null });
    case 'stop':
      return engine.run
        ? send([{ type: 'stop' }], { ...ui, message: 'stopping after the current step' })
        : none();
    case 'show-logs': {
      // The failure panel stays: hidden over the zoomed terminal, back when the zoom ends (Esc).
      return none({ ...ui, session: failure?.session ?? ui.session, zoom: 'terminal' });
    }
    case 'next-session':
    case 'previous-session': {
      const i = ctx.sessions.indexOf(ui.session);
      const n = ctx.sessions.length;
      const next = ctx.sessions[(i + (action === 'next-session' ? 1 : n - 1) + n) % n];
      return none(next ? { ...ui, session: next } : ui);
    }
    case 'focus-terminal':
      return none({ ...ui, focus: 'terminal', zoom: ui.zoom === 'narration' ? 'none' : ui.zoom });
    case 'focus-narration':
      return none({ ...ui, focus: 'narration' });
    case 'zoom': {
      const order: Zoom[] = ['none', 'terminal', 'narration'];
      const zoom = order[(order.indexOf(ui.zoom) + 1) % order.length] ?? 'none';
      return none({ ...ui, zoom, focus: zoom === 'narration' ? 'narration' : ui.focus });
    }
    case 'scroll-up':
      return scrollTo(ctx.narration.scroll - 1);
    case 'scroll-down':
      return scrollTo(ctx.narration.scroll + 1);
    case 'page-up':
      return scrollTo(ctx.narration.scroll - Math.max(1, ctx.narration.height - 2));
    case 'page-down':
      return scrollTo(ctx.narration.scroll + Math.max(1, ctx.narration.height - 2));
    case 'top':
      return scrollTo(0);
    case 'bottom':
      return none({ ...ui, scroll: null });
    case 'terminal-scroll-up':
    case 'terminal-scroll-down':
      return {
        ui,
        events: [],
        commands: [{ kind: 'terminal-scroll', direction: action === 'terminal-scroll-up' ? 'up' : 'down' }],
      };
    case 'toggle-notes':
      return none({ ...ui, notes: !ui.notes });
    case 'toggle-follow':
      return none({
        ...ui,
        follow: !ui.follow,
        message: ui.follow ? 'the terminal stays on this session' : 'the terminal follows the steps',
      });
    case 'help':
      return none({ ...ui, overlay: ui.overlay?.kind === 'help' ? null : { kind: 'help' } });
    case 'dismiss':
      if (ui.overlay) return none({ ...ui, overlay: null });
      if (ui.zoom !== 'none') return none({ ...ui, zoom: 'none' });
      if (failureShown) return none({ ...ui, dismissedFailure: failure.step ?? -1 });
      return none();
    case 'redraw':
      return { ui, events: [], commands: [{ kind: 'redraw' }] };
    case 'quit':
      return { ui, events: [], commands: [{ kind: 'quit' }] };
    case 'quit-cleanup':
      return none({ ...ui, overlay: { kind: 'confirm-cleanup' } });
    default: {
      const m = /^session-(\d)$/.exec(action);
      const session = m ? ctx.sessions[Number(m[1])] : undefined;
      return none(session ? { ...ui, session } : ui);
    }
  }
}

/**
 * Follow the engine: when a step starts typing into a session and `follow` is on, the terminal pane
 * shows that session (the audience sees the command typed); a new step re-opens the failure panel and
 * brings the narration back to the current step.
 */
export function onEngineEvent(ui: UiState, engine: EngineState, event: EngineEvent): UiState {
  if (event.type === 'step-started') {
    const step = engine.plan.steps[event.step];
    const session = ui.follow && step ? step.session : ui.session;
    return { ...ui, session, dismissedFailure: null, scroll: null };
  }
  return ui;
}
