import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLesson } from '../../src/lesson/parse.js';
import type { Lesson } from '../../src/lesson/model.js';
import { buildPlan } from '../../src/engine/plan.js';
import { initialState, update, type EngineEvent, type EngineState } from '../../src/engine/machine.js';
import type { StepOutcome } from '../../src/engine/outcome.js';
import { componentViews, type SessionLiveness } from '../../src/ui/presenter/component-views.js';
import { renderFrame, type TerminalContent, type Frame } from '../../src/ui/presenter/frame.js';
import { DEFAULT_KEYMAP } from '../../src/ui/presenter/keymap.js';
import { EN, type Words } from '../../src/ui/presenter/i18n.js';
import { makeTheme, type Theme } from '../../src/ui/presenter/theme.js';
import { initialUi, type UiState } from '../../src/ui/presenter/ui-state.js';
import { FIXTURES } from '../helpers/snapshot.js';

/** A presenter fixture lesson, parsed (ports of the etcd one fixed: nothing is started here). */
export function fixtureLesson(name: 'cluster' | 'etcd'): Lesson {
  const source = readFileSync(join(FIXTURES, 'presenter', `${name}.md`), 'utf8')
    .replace(/@CLIENT_PORT@/g, '23791')
    .replace(/@PEER_PORT@/g, '23792');
  const result = parseLesson(source, `${name}.md`);
  if (!result.ok) throw new Error(`fixture ${name} does not parse: ${JSON.stringify(result.diagnostics)}`);
  return result.lesson;
}

/** The engine's state for a lesson, after some events (the machine's own transitions, no effects run). */
export function engineAfter(lesson: Lesson, events: EngineEvent[] = []): EngineState {
  const plan = buildPlan(lesson, { workdir: '/work/lesson', asRoot: true });
  let state = initialState(plan);
  for (const event of events) state = update(state, event).state;
  return state;
}

/** Events that run step `step` from the cursor and end it with `outcome`, started at `at`. */
export function runStep(step: number, outcome: StepOutcome, at = 1_000): EngineEvent[] {
  return [{ type: 'run-step' }, { type: 'step-started', step, at }, { type: 'step-finished', step, outcome }];
}

/** A frame of the presenter at a size, with a clock fixed at 65 s after it opened. */
export function frameOf(
  lesson: Lesson,
  engine: EngineState,
  options: {
    width: number;
    height: number;
    ui?: Partial<UiState>;
    live?: Map<string, SessionLiveness>;
    terminal?: TerminalContent;
    now?: number;
    words?: Words;
    theme?: Theme;
  },
): Frame {
  const now = options.now ?? 66_000;
  const ui = { ...initialUi(engine), ...options.ui };
  return renderFrame({
    lesson,
    engine,
    ui,
    components: componentViews(lesson, engine, options.live ?? new Map()),
    keymap: DEFAULT_KEYMAP,
    theme: options.theme ?? makeTheme(1),
    ...(options.words ? { words: options.words } : {}),
    terminal: options.terminal ?? {
      kind: 'absent',
      reason: (options.words ?? EN).notStartedYet(ui.session),
      hint: (options.words ?? EN).appearsHere,
    },
    width: options.width,
    height: options.height,
    now,
    startedAt: 1_000,
  });
}

/** Lines a fake terminal shows: a prompt and a few log lines. */
export function fakeTerminalLines(cols: number, rows: number): string[] {
  const text = [
    '\x1b[1;32mwork\x1b[0m # etcd --data-dir etcd-data',
    '{"level":"info","msg":"serving client traffic insecurely","address":"127.0.0.1:2379"}',
    '\x1b[33mwarning\x1b[0m: a line that is much longer than the pane is wide, cut at its edge by the emulator',
  ];
  return Array.from({ length: rows }, (_, i) => (text[i] ?? '').slice(0, cols * 3));
}
