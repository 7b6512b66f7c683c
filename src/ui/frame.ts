import type { EngineState } from '../engine/machine.js';
import type { Lesson } from '../lesson/model.js';
import { fitAnsi, stripAnsi, truncateAnsi, visibleWidth } from './ansi.js';
import { wrapPlain } from './ansi-wrap.js';
import { composeScreen } from './compose.js';
import type { ComponentView } from './components.js';
import { currentFailure, renderFailurePanel } from './failure.js';
import { keysOf, type Keymap } from './keymap.js';
import { computeLayout, innerRect, SIDE_BY_SIDE_MIN_WIDTH, splitFor, type Rect } from './layout.js';
import { autoScroll, renderNarration } from './narration.js';
import { renderConfirm, renderHelp, renderJump, renderRerun } from './overlay-views.js';
import { componentsRow, progressRow } from './status-line.js';
import type { Theme } from './theme.js';
import { failureKey, type UiState } from './ui-state.js';
import { stepBadge } from './step-box.js';

/** What the terminal pane shows: the live screen of the session, or why there is none. */
export type TerminalContent =
  { kind: 'live'; lines: string[] } | { kind: 'absent'; reason: string; hint?: string };

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
  /** Epoch ms now, and when the presenter opened (the talk's clock). */
  now: number;
  startedAt: number;
}

/** One drawn part of the screen: its place and its lines, each exactly `width` columns. */
export interface Region {
  id: 'narration' | 'notes' | 'terminal' | 'status' | 'failure' | 'overlay';
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

/**
 * The frame for a state and a size. Pure: the same input gives the same text, which is what the
 * snapshot tests check at 80×24 and 200×50 and what the screen draws.
 */
export function renderFrame(input: ViewInput): Frame {
  const { width, height, ui, theme } = input;
  const layout = layoutOf(input.lesson, input.engine, ui, width, height);
  const regions: Region[] = [];
  const failure = currentFailure(input.engine);
  const failureShown = failure !== undefined && failureKey(failure) !== ui.dismissedFailure;
  let narrationInfo = { scroll: 0, max: 0, height: 0 };
  if (layout.narration) {
    const { region, info } = narrationRegion(input, layout.narration);
    regions.push(region);
    narrationInfo = info;
  }
  if (layout.notes) regions.push(notesRegion(input, layout.notes));
  if (layout.terminal) regions.push(terminalRegion(input, layout.terminal));
  regions.push({
    id: 'status',
    ...layout.status,
    lines: [
      componentsRow(input.components, layout.status.width, theme, input.now),
      progressRow(input.engine, ui, {
        failureShown,
        width,
        theme,
        keymap: input.keymap,
        now: input.now,
        startedAt: input.startedAt,
      }),
    ],
  });
  // Not over a zoomed terminal: that is where the presenter went to read the logs.
  if (failure && failureShown && ui.zoom !== 'terminal') {
    const under = layout.narration ?? layout.terminal;
    if (under) {
      const most = Math.min(under.height, Math.max(7, Math.floor(height * 0.5)));
      const lines = renderFailurePanel(failure, input.keymap, { width: under.width, height: most, theme });
      const h = lines.length;
      regions.push({
        id: 'failure',
        x: under.x,
        y: under.y + under.height - h,
        width: under.width,
        height: h,
        lines,
      });
    }
  }
  if (ui.overlay) {
    const room = { width: width - 2, height: height - 2, theme };
    const lines = overlayLines(input, ui.overlay, room);
    const w = Math.max(...lines.map(visibleWidth));
    const x = Math.max(0, Math.floor((width - w) / 2));
    const y = Math.max(0, Math.floor((height - lines.length) / 3));
    regions.push({
      id: 'overlay',
      x,
      y,
      width: w,
      height: lines.length,
      lines: lines.map((l) => fitAnsi(l, w)),
    });
  }
  return { width, height, regions, narration: narrationInfo };
}

function overlayLines(
  input: ViewInput,
  overlay: NonNullable<UiState['overlay']>,
  room: { width: number; height: number; theme: Theme },
): string[] {
  switch (overlay.kind) {
    case 'help':
      return renderHelp(input.keymap, room);
    case 'jump':
      return renderJump(overlay, input.engine.plan, room);
    case 'confirm-cleanup':
      return renderConfirm(room);
    case 'confirm-rerun': {
      const step = input.engine.plan.steps[overlay.step];
      const state = input.engine.steps[overlay.step];
      if (!step || !state) return [];
      const status = stepBadge(state, room.theme, input.now).label;
      return renderRerun(step, overlay.restart, { ...room, status });
    }
  }
}

/** A bordered pane: the title in the top border, a label in the bottom one, the inside cut to size. */
export function paneLines(
  rect: Rect,
  body: string[],
  options: { title: string; footer?: string; focused: boolean; theme: Theme },
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
  for (let i = 0; i < inner.height; i++)
    lines.push(`${border('│')}${fitAnsi(body[i] ?? '', inner.width)}${border('│')}`);
  lines.push(fitAnsi(bottom, rect.width));
  return lines;
}

function narrationRegion(input: ViewInput, rect: Rect): { region: Region; info: Frame['narration'] } {
  const inner = innerRect(rect);
  // One column of margin on each side: text against a border is hard to read on a projector.
  const text = renderNarration(input.lesson, input.engine, {
    width: inner.width - 2,
    theme: input.theme,
    now: input.now,
    nextKey: keysOf(input.keymap, 'next-chapter').split('/')[0] ?? 'N',
  });
  const max = Math.max(0, text.lines.length - inner.height);
  const scroll = Math.min(max, input.ui.scroll ?? autoScroll(text, input.engine.cursor, inner.height));
  const body = text.lines.slice(scroll, scroll + inner.height).map((l) => ` ${l}`);
  const below = text.lines.length - scroll - inner.height;
  const noNotes = input.ui.notes && notesLines(input.lesson, input.engine, rect.width).length === 0;
  const footer = [
    noNotes ? 'no notes for this chapter' : '',
    scroll > 0 ? `↑ ${scroll}` : '',
    below > 0 ? `↓ ${below} more` : '',
  ]
    .filter(Boolean)
    .join('  ');
  const lines = paneLines(rect, body, {
    title: input.lesson.title,
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

function notesRegion(input: ViewInput, rect: Rect): Region {
  const inner = innerRect(rect);
  const body = notesLines(input.lesson, input.engine, rect.width).map((l) => ` ${input.theme.running(l)}`);
  const lines = paneLines(rect, body, { title: 'Speaker notes', focused: false, theme: input.theme });
  return { id: 'notes', ...rect, lines: inner.height > 0 ? lines : [] };
}

/** The terminal pane alone, for the screen to redraw it many times a second without the rest. */
export function terminalRegion(input: ViewInput, rect: Rect): Region {
  const { theme, ui } = input;
  const inner = innerRect(rect);
  const component = input.components.find((c) => c.session === ui.session);
  const title = component
    ? `${component.name}`
    : ui.session === input.engine.plan.shellSession
      ? 'shell'
      : ui.session;
  let body: string[];
  if (input.terminal.kind === 'live') {
    body = input.terminal.lines;
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
  const footer = [ui.follow ? 'follows steps' : 'pinned', index].filter(Boolean).join(' · ');
  const lines = paneLines(rect, body, {
    title: `${title}${ui.zoom === 'terminal' ? ' (zoomed)' : ''}`,
    footer,
    focused: ui.focus === 'terminal',
    theme,
  });
  return { id: 'terminal', ...rect, lines };
}

function sessionNumber(input: ViewInput, session: string): string {
  if (session === input.engine.plan.shellSession) return 'session 0';
  const i = Object.values(input.lesson.components).findIndex((c) => c.session === session);
  return i >= 0 ? `session ${i + 1}` : '';
}

/** The frame as the terminal shows it: one styled line per row. */
export function frameLines(frame: Frame): string[] {
  return composeScreen(frame.width, frame.height, frame.regions);
}

/** The frame as plain text (what `tmux capture-pane -p` would show), for tests. */
export function frameText(frame: Frame): string {
  return frameLines(frame)
    .map((l) => stripAnsi(l).trimEnd())
    .join('\n');
}
