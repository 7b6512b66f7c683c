import { engineIdle, type EngineState } from '../../engine/machine.js';
import { fitAnsi, truncateAnsi, visibleWidth } from '../text/ansi.js';
import type { ComponentView } from './component-views.js';
import { keysOf } from './key-labels.js';
import type { Action, Keymap } from './keymap.js';
import { formatDuration, stepBadge } from './step-box.js';
import { EN, type Words } from './i18n.js';
import type { Theme } from './theme.js';
import { chapterDone, type UiState } from './ui-state.js';

/** A component's symbol, words and style in the status line. */
function componentBadge(
  c: ComponentView,
  theme: Theme,
  now: number,
  words: Words,
): { symbol: string; label: string; style: (s: string) => string } {
  switch (c.phase) {
    case 'not-started':
      return { symbol: '○', label: words.notStarted, style: theme.notStarted };
    case 'starting':
      return { symbol: '◐', label: words.starting, style: theme.running };
    case 'ready':
      return { symbol: '●', label: words.ready, style: theme.ok };
    case 'running':
      return { symbol: '●', label: words.running, style: theme.ok };
    case 'failed':
      return { symbol: '✗', label: words.failed, style: theme.failed };
    case 'down':
      return {
        symbol: '✖',
        label:
          c.since === undefined ? words.down : words.downSince(formatDuration(Math.max(0, now - c.since))),
        style: theme.failed,
      };
  }
}

/**
 * The components row: every component with its number (the key that shows its session), a symbol whose
 * shape says its phase (○ not started, ◐ starting, ● ready, ✖ down: readable without colour) and, when
 * there is room, the words. On a narrow screen the words of the calm phases go first, then `kube-`
 * prefixes, then the row is cut with an ellipsis.
 */
export function componentsRow(
  components: ComponentView[],
  width: number,
  theme: Theme,
  now: number,
  words: Words = EN,
): string {
  if (components.length === 0) return fitAnsi(theme.dim(` ${words.noComponents}`), width);
  const attempts: { words: (c: ComponentView) => boolean; short: boolean; tight?: boolean }[] = [
    { words: () => true, short: false },
    { words: (c) => c.phase !== 'ready' && c.phase !== 'not-started', short: false },
    { words: (c) => c.phase !== 'ready' && c.phase !== 'not-started', short: true },
    { words: (c) => c.phase === 'down' || c.phase === 'failed', short: true },
    { words: () => false, short: true },
    { words: () => false, short: true, tight: true },
  ];
  let row = '';
  for (const attempt of attempts) {
    row = components
      .map((c, i) => {
        const badge = componentBadge(c, theme, now, words);
        const name = attempt.short ? c.name.replace(/^kube-/, '') : c.name;
        const label = attempt.words(c) ? ` ${badge.label}` : '';
        // Its number: the key that shows its session (1…9).
        const gap = attempt.tight ? '' : ' ';
        const key = i < 9 ? `${theme.dim(String(i + 1))}${gap}` : '';
        return `${key}${badge.style(badge.symbol)}${gap}${badge.style(name)}${theme.dim(label)}`;
      })
      .join(attempt.tight ? ' ' : '  ');
    if (visibleWidth(row) + 1 <= width) break;
  }
  // Still too long: cut, and say so with an ellipsis.
  return fitAnsi(truncateAnsi(` ${row}`, width), width);
}

/** `mm:ss`, or `h:mm:ss` past an hour: the talk's clock. */
function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * The bar under the components: where the talk is (chapter, step), what runs, a message, the focus
 * when keys go to the terminal, and the elapsed time with the help key on the right.
 */
export function progressRow(
  engine: EngineState,
  ui: UiState,
  options: {
    width: number;
    theme: Theme;
    keymap: Keymap;
    now: number;
    startedAt: number;
    failureShown?: boolean;
    words?: Words;
  },
): string {
  const { theme, width, now } = options;
  const words = options.words ?? EN;
  const plan = engine.plan;
  const chapter = plan.chapters[engine.chapter];
  const total = plan.steps.length;
  const step = plan.steps[engine.cursor];
  const next = keysOf(options.keymap, 'next-chapter').split('/')[0] ?? 'N';
  const stepText = chapterDone(engine)
    ? engine.chapter + 1 < plan.chapters.length
      ? `${words.chapterDone} · ${next} → ${words.next}`
      : words.lessonDone
    : step
      ? `${words.step} ${engine.cursor + 1}/${total} ${step.name}`
      : words.allDone(total);
  const parts = [
    `${words.chapter} ${engine.chapter + 1}/${plan.chapters.length} ${chapter?.title ?? ''}`,
    stepText,
  ];
  const activity = engine.activity;
  if (activity.kind === 'step') {
    const state = engine.steps[activity.step];
    const label = state ? stepBadge(state, theme, now, words).label : words.running;
    // The cursor's step is already named: say only how long it has been running.
    parts.push(activity.step === engine.cursor ? label : `${label} ${plan.steps[activity.step]?.name ?? ''}`);
  } else if (activity.kind === 'reset') parts.push(words.resetting);
  if (ui.message) parts.push(ui.message.text);
  const focus =
    ui.focus === 'terminal'
      ? ` ${words.typingIn(ui.session, keysOf(options.keymap, 'focus-narration'))} `
      : '';
  const hints = keyHints(engine, ui, options.keymap, options.failureShown ?? false, words)
    .map(([key, what]) => `${key} ${what}`)
    .join('  ');
  const right = ` ${hints}  ${formatClock(now - options.startedAt)} `;
  const leftRoom = Math.max(0, width - visibleWidth(right) - visibleWidth(focus));
  const left = fitAnsi(truncateAnsi(` ${parts.join(' · ')}`, Math.max(0, leftRoom - 1)), leftRoom);
  const focusText = focus ? theme.selected(focus) : '';
  return fitAnsi(`${theme.bar(left)}${focusText}${theme.barKey(right)}`, width);
}

/**
 * The two or three keys that matter now, for the status bar: what runs the next thing (or stops what
 * runs, or moves on from a finished chapter), then the keys help. The failure panel shows its own.
 */
function keyHints(
  engine: EngineState,
  ui: UiState,
  keymap: Keymap,
  failureShown: boolean,
  words: Words = EN,
): [string, string][] {
  const key = (action: Action): string => keysOf(keymap, action).split('/')[0] ?? '';
  const hints: [Action, string][] = [];
  if (ui.focus === 'terminal' || ui.overlay) return [];
  if (!engineIdle(engine)) hints.push(['stop', words.hintStop]);
  else if (failureShown) hints.push(['dismiss', words.hintClose]);
  else if (chapterDone(engine)) {
    if (engine.chapter + 1 < engine.plan.chapters.length) hints.push(['next-chapter', words.hintNextChapter]);
  } else if (engine.cursor < engine.plan.steps.length)
    hints.push(['run-step', words.hintRun], ['next-step', words.hintSkip]);
  hints.push(['help', words.hintKeys]);
  return hints.map(([action, what]): [string, string] => [key(action), what]).filter(([k]) => k !== '');
}
