import {
  chapterOf,
  engineIdle,
  firstStepOf,
  lastStepOf,
  type EngineEvent,
  type EngineState,
} from '../../engine/machine.js';
import type { Lesson } from '../../lesson/model.js';
import type { SessionLiveness } from './component-views.js';
import type { FailureView } from './failure.js';
import type { Words } from './i18n.js';
import type { ThemeName } from './settings.js';

/** Which pane gets the keys: the narration (presenter keys) or the terminal (everything but one key). */
export type Focus = 'narration' | 'terminal';
/** Which pane fills the screen, if any. */
export type Zoom = 'none' | 'terminal' | 'narration';

/** A panel over the panes that takes the keys while it is open. */
export type Overlay =
  | { kind: 'help' }
  | { kind: 'jump'; input: string; selected: number }
  | { kind: 'confirm-cleanup' }
  /** A step that already ran is about to run again: `restart` when its component still runs. */
  | { kind: 'confirm-rerun'; step: number; restart: boolean };

/**
 * A line for the status bar, and how long it stays true: `busy` ones go when the engine is idle again,
 * `run` ones when the run ends, the others after a few seconds.
 */
export interface UiMessage {
  text: string;
  while?: 'busy' | 'run';
  /** Epoch ms it was said. */
  at: number;
}

/** How long a message with nothing else to end it stays on screen. */
const MESSAGE_MS = 5000;

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
  /**
   * First narration line shown; null: automatic (a chapter not started opens at its top, a finished
   * one at its end, else the current step in view); `step`: the current step in view, always.
   */
  scroll: number | null | 'step';
  notes: boolean;
  /** The narration's share of the screen (null: the default for its shape). */
  split: number | null;
  theme: ThemeName;
  overlay: Overlay | null;
  /** The failure whose panel was closed ({@link failureKey}); it opens again when a run fails anew. */
  dismissedFailure: string | null;
  message: UiMessage | null;
}

/** What the presenter shell must do besides drawing: things that touch the world. */
export type UiCommand =
  | { kind: 'quit' }
  | { kind: 'quit-cleanup' }
  | { kind: 'terminal-scroll'; direction: 'up' | 'down' }
  | { kind: 'redraw' }
  /** Stop the component of `step` cleanly in its session (Ctrl-C), then run the step again. */
  | { kind: 'restart-step'; step: number; session: string }
  /** Type the rest of the current step at once. */
  | { kind: 'finish-typing' }
  /** Human typing one pace faster or slower. */
  | { kind: 'typing-speed'; direction: 1 | -1 }
  /** Put text on the clipboard of the presenter's terminal (OSC 52). */
  | { kind: 'copy'; text: string };

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
  /** What tmux shows of each session (is its component's program still running). */
  live?: ReadonlyMap<string, SessionLiveness>;
  /** Epoch ms now. */
  now?: number;
  /** The screen's width (the default split depends on it). */
  width?: number;
  /** The presenter's words in the lesson's language (default English). */
  words?: Words;
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
    split: null,
    theme: 'dark',
    overlay: null,
    dismissedFailure: null,
    message: null,
  };
}

/** Which failure a panel shows: the step's index, `reset` for a machine that could not be reset, else `run`. */
export function failureKey(failure: FailureView): string {
  if (failure.replay) return 'reset';
  return failure.step === undefined ? 'run' : `step-${failure.step}`;
}

/**
 * The chapter shown has steps and every one of them is behind the cursor: the speaker has not moved on
 * yet (the engine keeps the chapter when its last step ends), the narration says "chapter done".
 */
export function chapterDone(engine: EngineState): boolean {
  const { plan, chapter } = engine;
  const last = lastStepOf(plan, chapter);
  return (
    last >= firstStepOf(plan, chapter) && engine.cursor > last && chapterOf(plan, engine.cursor) !== chapter
  );
}

/** The message with the time it is said. */
export function say(text: string, now: number, kind?: UiMessage['while']): UiMessage {
  return { text, at: now, ...(kind ? { while: kind } : {}) };
}

/** The UI without a message that stopped being true (the engine went idle, the run ended, time passed). */
export function expireMessage(ui: UiState, engine: EngineState, now: number): UiState {
  const m = ui.message;
  if (!m) return ui;
  const stale =
    m.while === 'busy'
      ? engineIdle(engine)
      : m.while === 'run'
        ? engine.run === null
        : now - m.at >= MESSAGE_MS;
  return stale ? { ...ui, message: null } : ui;
}

/**
 * Follow the engine: when a step starts typing into a session and `follow` is on, the terminal pane
 * shows that session (the audience sees the command typed); a new step or run re-opens the failure
 * panel and brings the narration back to the current step; messages that stopped being true go.
 */
export function onEngineEvent(
  ui0: UiState,
  engine: EngineState,
  event: EngineEvent,
  now = Date.now(),
): UiState {
  const ui = expireMessage(ui0, engine, now);
  if (event.type === 'step-started') {
    const step = engine.plan.steps[event.step];
    const session = ui.follow && step ? step.session : ui.session;
    return { ...ui, session, dismissedFailure: null, scroll: null };
  }
  if (event.type === 'run' || event.type === 'run-step' || event.type === 'replay-chapter')
    return { ...ui, dismissedFailure: null };
  return ui;
}
