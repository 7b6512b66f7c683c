import type { EngineState } from '../../engine/machine.js';
import { describePins } from '../../engine/versions.js';
import type { Lesson } from '../../lesson/model.js';
import { fitAnsi, truncateAnsi, visibleWidth } from '../text/ansi.js';
import { stripAnsi } from '../../escapes.js';
import { wrapPlain } from '../text/ansi-wrap.js';
import type { Frame, Region, ViewInput } from './frame-model.js';
import { EN } from './i18n.js';
import { keysOf } from './key-labels.js';
import { computeLayout, innerRect, SIDE_BY_SIDE_MIN_WIDTH, splitFor, type Rect } from './layout.js';
import { autoScroll, renderNarration } from './narration.js';
import type { Theme } from './theme.js';
import type { UiState } from './ui-state.js';

/** The panes of a frame: narration, speaker notes, terminal, each in its border (frame.ts puts them). */

/** A bordered pane: the title in the top border, a label in the bottom one, the inside cut to size. */
export function paneLines(
  rect: Rect,
  body: string[],
  options: {
    title: string;
    footer?: string;
    focused: boolean;
    theme: Theme;
    /** The body's lines are exactly the inside's width already (a live terminal): not cut again. */
    exact?: boolean;
  },
): string[] {
  const { theme } = options;
  const border = options.focused ? theme.borderFocused : theme.border;
  const inner = innerRect(rect);
  const titleText = truncateAnsi(` ${options.title} `, Math.max(0, inner.width - 2));
  const title = options.focused ? theme.titleFocused(stripAnsi(titleText)) : theme.title(titleText);
  const top = `${border('┌─')}${title}${border('─'.repeat(Math.max(0, inner.width - 1 - visibleWidth(titleText))))}${border('┐')}`;
  const footerText = options.footer ? truncateAnsi(` ${options.footer} `, Math.max(0, inner.width - 2)) : '';
  const bottom = `${border('└')}${border('─'.repeat(Math.max(0, inner.width - 1 - visibleWidth(footerText))))}${theme.dim(footerText)}${border('─┘')}`;
  const lines = [fitAnsi(top, rect.width)];
  const left = border('│');
  const blank = ' '.repeat(inner.width);
  for (let i = 0; i < inner.height; i++) {
    const line = body[i];
    const inside = options.exact ? (line ?? blank) : fitAnsi(line ?? '', inner.width);
    lines.push(`${left}${inside}${left}`);
  }
  lines.push(fitAnsi(bottom, rect.width));
  return lines;
}

export function narrationRegion(input: ViewInput, rect: Rect): { region: Region; info: Frame['narration'] } {
  const inner = innerRect(rect);
  const words = input.words ?? EN;
  // One column of margin on each side: text against a border is hard to read on a projector.
  const text = renderNarration(input.lesson, input.engine, {
    width: inner.width - 2,
    theme: input.theme,
    now: input.now,
    nextKey: keysOf(input.keymap, 'next-chapter').split('/')[0] ?? 'N',
    words,
  });
  const max = Math.max(0, text.lines.length - inner.height);
  const wanted = input.ui.scroll;
  const auto = (): number =>
    autoScroll(wanted === 'step' ? { ...text, fresh: false } : text, input.engine.cursor, inner.height);
  const scroll = Math.min(max, typeof wanted === 'number' ? wanted : auto());
  const body = text.lines.slice(scroll, scroll + inner.height).map((l) => ` ${l}`);
  const below = text.lines.length - scroll - inner.height;
  const noNotes = input.ui.notes && notesLines(input.lesson, input.engine, rect.width).length === 0;
  const footer = [
    noNotes ? words.noNotes : '',
    scroll > 0 ? `↑ ${scroll}` : '',
    below > 0 ? words.more(below) : '',
  ]
    .filter(Boolean)
    .join('  ');
  const lines = paneLines(rect, body, {
    title: paneTitle(input),
    ...(footer ? { footer } : {}),
    focused: input.ui.focus === 'narration',
    theme: input.theme,
  });
  return { region: { id: 'narration', ...rect, lines }, info: { scroll, max, height: inner.height } };
}

/** The speaker notes of the chapter shown, wrapped to a pane `width` wide (its borders included). */
export function notesLines(lesson: Lesson, engine: EngineState, width: number): string[] {
  const planChapter = engine.plan.chapters[engine.chapter];
  const chapter = lesson.chapters.find((c) => c.id === planChapter?.id);
  return (chapter?.notes ?? []).flatMap((n) => wrapPlain(`• ${n.replace(/\s*\n\s*/g, ' ')}`, width - 4));
}

/** The layout of a frame: the split, the zoom, and the rows the chapter's notes need. */
export function layoutOf(
  lesson: Lesson,
  engine: EngineState,
  ui: UiState,
  width: number,
  height: number,
): ReturnType<typeof computeLayout> {
  const side = width >= SIDE_BY_SIDE_MIN_WIDTH && ui.zoom === 'none';
  const notesWidth = side ? Math.round(width * splitFor(width, ui.split)) : width;
  const count = ui.notes ? notesLines(lesson, engine, notesWidth).length : 0;
  return computeLayout(width, height, { ...ui, notesLines: count });
}

export function notesRegion(input: ViewInput, rect: Rect): Region {
  const inner = innerRect(rect);
  const body = notesLines(input.lesson, input.engine, rect.width).map((l) => ` ${input.theme.running(l)}`);
  const title = (input.words ?? EN).speakerNotes;
  const lines = paneLines(rect, body, { title, focused: false, theme: input.theme });
  return { id: 'notes', ...rect, lines: inner.height > 0 ? lines : [] };
}

/** The terminal pane alone, for the screen to redraw it many times a second without the rest. */
export function terminalRegion(input: ViewInput, rect: Rect): Region {
  const { theme, ui } = input;
  const words = input.words ?? EN;
  const inner = innerRect(rect);
  const component = input.components.find((c) => c.session === ui.session);
  const title = component
    ? `${component.name}`
    : ui.session === input.engine.plan.shellSession
      ? words.shell
      : ui.session;
  let body: string[];
  let exact = false;
  if (input.terminal.kind === 'live') {
    body = input.terminal.lines;
    exact = input.terminal.cols === inner.width && body.length >= inner.height;
  } else {
    const message = [input.terminal.reason, ...(input.terminal.hint ? [input.terminal.hint] : [])];
    const top = Math.max(0, Math.floor((inner.height - message.length) / 2));
    body = [
      ...Array.from({ length: top }, () => ''),
      ...message.map((m, i) => {
        const pad = Math.max(0, Math.floor((inner.width - visibleWidth(m)) / 2));
        return ' '.repeat(pad) + (i === 0 ? theme.strong(m) : theme.dim(m));
      }),
    ];
  }
  const index = sessionNumber(input, ui.session);
  const footer = [ui.follow ? words.followsSteps : words.pinned, index].filter(Boolean).join(' · ');
  const lines = paneLines(rect, body, {
    title: `${title}${ui.zoom === 'terminal' ? ` (${words.zoomed})` : ''}`,
    footer,
    focused: ui.focus === 'terminal',
    theme,
    exact,
  });
  return { id: 'terminal', ...rect, lines };
}

function sessionNumber(input: ViewInput, session: string): string {
  const words = input.words ?? EN;
  if (session === input.engine.plan.shellSession) return words.session(0);
  const i = Object.values(input.lesson.components).findIndex((c) => c.session === session);
  return i >= 0 ? words.session(i + 1) : '';
}

/** The lesson's title, and the versions used instead of the lesson's when there are (`--pin`). */
function paneTitle(input: ViewInput): string {
  const pins = input.engine.plan.pins;
  return pins && Object.keys(pins).length > 0
    ? `${input.lesson.title} · versions: ${describePins(pins)}`
    : input.lesson.title;
}
