import type { EngineState } from '../../engine/machine.js';
import type { Lesson } from '../../lesson/model.js';
import type { ComponentView } from './component-views.js';
import type { Words } from './i18n.js';
import type { Keymap } from './keymap.js';
import type { Theme } from './theme.js';
import type { UiState } from './ui-state.js';

// The data of a frame, apart from frame.ts that draws it, so that frame-panes.ts (which draws parts of
// it) and frame.ts (which puts them together) both import these without importing each other.

/** What the terminal pane shows: the live screen of the session, or why there is none. */
export type TerminalContent =
  /** `cols`: the emulator's width, when its lines are exactly that wide (each ends with a reset). */
  { kind: 'live'; lines: string[]; cols?: number } | { kind: 'absent'; reason: string; hint?: string };

/** Everything a frame is made from. */
export interface ViewInput {
  lesson: Lesson;
  engine: EngineState;
  ui: UiState;
  components: ComponentView[];
  keymap: Keymap;
  theme: Theme;
  terminal: TerminalContent;
  width: number;
  height: number;
  /** The presenter's own words, in the lesson's language (default English). */
  words?: Words;
  /** Epoch ms now, and when the presenter opened (the talk's clock). */
  now: number;
  startedAt: number;
}

/** One drawn part of the screen: its place and its lines, each exactly `width` columns. */
export interface Region {
  id: 'narration' | 'notes' | 'terminal' | 'status' | 'failure' | 'overlay' | 'learner';
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

/** A whole screen: regions drawn in order, later over earlier. */
export interface Frame {
  width: number;
  height: number;
  regions: Region[];
  /** The narration's first line shown and its largest value (the scroll keys need them). */
  narration: { scroll: number; max: number; height: number };
}
