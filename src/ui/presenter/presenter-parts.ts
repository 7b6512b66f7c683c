import type { Engine } from '../../engine/engine.js';
import type { Lesson } from '../../lesson/model.js';
import type { Keymap } from './keymap.js';
import type { LiveTerminal } from '../terminal/live-terminal.js';
import type { PresenterScreen } from './screen.js';
import type { SessionMonitor } from './session-monitor.js';
import type { PresenterSettings } from './settings.js';
import type { Frame, Region } from './frame.js';
import type { Theme } from './theme.js';
import type { UiState } from './ui-state.js';
import type { PresenterPace } from './typing-pace.js';

/** How the presenter ended. */
export type PresenterExit = 'quit' | 'cleanup';

/** The parts the presenter drives, made by open-presenter.ts (or by tests). */
export interface PresenterParts {
  lesson: Lesson;
  engine: Engine;
  keymap: Keymap;
  screen: PresenterScreen;
  terminal: LiveTerminal;
  monitor: SessionMonitor;
  /** Run a tmux command on the lesson's server (to size its windows). */
  tmux: (args: string[]) => Promise<string>;
  /** Is a session's shell at its prompt, from its log (a component restart waits for it)? */
  shellIdle?: (session: string) => Promise<boolean | undefined>;
  /** The pace of human typing the engine reads (absent: instant typing). */
  pace?: PresenterPace;
  /** What was kept from the last opening, and how to keep it again. */
  settings?: { initial: PresenterSettings; save(settings: PresenterSettings): void };
  /**
   * When the talk started, as the speaker view's clock keeps it (state.json): the status line shows the
   * same time as the speaker's screen. Undefined (no speaker channel yet, tests): since this opening.
   */
  talkStartedAt?: () => number | undefined;
  /** A fixed theme (tests); default: the one of the settings, `NO_COLOR` honoured. */
  theme?: Theme;
  now?: () => number;
  /** Extensions (learner mode): keys taken first, regions drawn on top, the opening UI state. */
  hooks?: PresenterHooks;
}

/** How a mode extends the presenter without changing it (src/ui/learner/ is one). */
export interface PresenterHooks {
  /** A key, before the presenter's own handling (also while the terminal has the focus): true if taken. */
  onKey?(name: string, sequence: string, ui: UiState): boolean;
  /** Regions drawn over the frame, last, in the frame's theme. */
  regions?(frame: Frame, ui: UiState, theme: Theme): Region[];
  /** The UI state the presenter opens with. */
  initialUi?(ui: UiState): UiState;
}
