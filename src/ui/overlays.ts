import type { Plan } from '../engine/plan-model.js';
import { fitAnsi, truncateAnsi } from './ansi.js';
import { wrapPlain } from './ansi-wrap.js';
import { ACTION_GROUPS, ACTIONS, keysOf, type Action, type Keymap } from './keymap.js';
import type { Theme } from './theme.js';
import type { UiContext, UiState, UiTransition } from './ui-state.js';

/** Lower case, accents removed: `Le serveur d'API` is found by `serveur`, `Réseau` by `reseau`. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * The chapters a jump prompt's input names, best first: its number, then ids and titles that start
 * with it, then those that contain it. An empty input lists every chapter.
 */
export function matchChapters(plan: Plan, input: string): number[] {
  const q = fold(input.trim());
  const all = plan.chapters.map((_, i) => i);
  if (!q) return all;
  const score = (i: number): number => {
    const chapter = plan.chapters[i]!;
    const id = fold(chapter.id);
    const title = fold(chapter.title);
    if (String(i + 1) === q) return 0;
    if (id === q) return 1;
    if (id.startsWith(q) || title.startsWith(q)) return 2;
    if (id.includes(q) || title.includes(q)) return 3;
    return 9;
  };
  return all
    .map((i) => [i, score(i)] as const)
    .filter(([, s]) => s < 9)
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .map(([i]) => i);
}

/** A key while an overlay is open: the overlay takes it (typing a chapter's name, y/n, closing help). */
export function onOverlayKey(
  ui: UiState,
  key: string,
  action: Action | undefined,
  ctx: UiContext,
): UiTransition {
  const overlay = ui.overlay;
  const none = (next: UiState): UiTransition => ({ ui: next, events: [], commands: [] });
  if (!overlay) return none(ui);
  switch (overlay.kind) {
    case 'help':
      return none({ ...ui, overlay: null });
    case 'confirm-cleanup':
      if (key === 'y' || key === 'Y')
        return { ui: { ...ui, overlay: null }, events: [], commands: [{ kind: 'quit-cleanup' }] };
      return none({ ...ui, overlay: null, message: 'nothing was cleaned up' });
    case 'jump': {
      const plan = ctx.engine.plan;
      const matches = matchChapters(plan, overlay.input);
      if (key === 'escape' || action === 'dismiss') return none({ ...ui, overlay: null });
      if (key === 'enter') {
        const chapter = matches.includes(overlay.selected) ? overlay.selected : matches[0];
        if (chapter === undefined) return none({ ...ui, message: `no chapter matches “${overlay.input}”` });
        return {
          ui: { ...ui, overlay: null, scroll: null },
          events: [{ type: 'jump-to-chapter', chapter }],
          commands: [],
        };
      }
      if (key === 'up' || key === 'down' || key === 'C-p' || key === 'C-n') {
        const at = Math.max(0, matches.indexOf(overlay.selected));
        const step = key === 'up' || key === 'C-p' ? -1 : 1;
        const selected =
          matches[(at + step + matches.length) % Math.max(1, matches.length)] ?? overlay.selected;
        return none({ ...ui, overlay: { ...overlay, selected } });
      }
      let input = overlay.input;
      if (key === 'backspace') input = Array.from(input).slice(0, -1).join('');
      else if (key === 'C-u') input = '';
      else if (key === 'space') input += ' ';
      else if (Array.from(key).length === 1) input += key;
      else return none(ui);
      const first = matchChapters(plan, input)[0];
      return none({ ...ui, overlay: { kind: 'jump', input, selected: first ?? overlay.selected } });
    }
  }
}

/** A box of `lines` with a title in its top border, `width` wide, exactly as many lines as given + 2. */
export function boxed(title: string, lines: string[], width: number, theme: Theme): string[] {
  const inner = Math.max(1, width - 4);
  const label = truncateAnsi(` ${title} `, Math.max(0, width - 4));
  const top = theme.overlayBorder(
    `╭─${label}${'─'.repeat(Math.max(0, width - 3 - Array.from(label).length))}╮`,
  );
  const body = lines.map(
    (l) => `${theme.overlayBorder('│')} ${fitAnsi(l, inner)} ${theme.overlayBorder('│')}`,
  );
  return [top, ...body, theme.overlayBorder(`╰${'─'.repeat(Math.max(0, width - 2))}╯`)];
}

/** The jump prompt: what was typed, and the chapters it matches with the selected one highlighted. */
export function renderJump(
  overlay: { input: string; selected: number },
  plan: Plan,
  options: { width: number; height: number; theme: Theme },
): string[] {
  const { theme } = options;
  const width = Math.min(options.width, 72);
  const matches = matchChapters(plan, overlay.input);
  const room = Math.max(1, options.height - 5);
  const at = Math.max(0, matches.indexOf(overlay.selected));
  const first = Math.max(0, Math.min(at - Math.floor(room / 2), matches.length - room));
  const rows = matches.slice(first, first + room).map((i) => {
    const chapter = plan.chapters[i]!;
    const row = ` ${String(i + 1).padStart(2)}  ${chapter.title}  ${theme.dim(chapter.id)}`;
    return i === overlay.selected ? theme.selected(fitAnsi(row, width - 4)) : row;
  });
  if (rows.length === 0) rows.push(theme.dim(' no chapter matches'));
  return boxed(
    'Jump to chapter',
    [`${theme.key('›')} ${overlay.input}${theme.key('▏')}`, ...rows],
    width,
    theme,
  );
}

/** The help panel: every action and its keys, in columns when the screen is wide enough. */
export function renderHelp(
  keymap: Keymap,
  options: { width: number; height: number; theme: Theme },
): string[] {
  const { theme } = options;
  const keyWidth = 12;
  const blocks = ACTION_GROUPS.map((group) => {
    const rows = [theme.heading(group.title)];
    for (const action of group.actions) {
      if (action === 'session-1') {
        const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9']
          .map((n) => keysOf(keymap, `session-${n}` as Action))
          .filter(Boolean);
        const label = keys.join('') === '123456789' ? '1…9' : keys.join(' ');
        rows.push(`${theme.key(label.padEnd(keyWidth))}component 1…9`);
        continue;
      }
      const keys = keysOf(keymap, action);
      if (keys) rows.push(`${theme.key(keys.padEnd(keyWidth))}${ACTIONS[action]}`);
    }
    return rows;
  });
  const maxInner = options.width - 4;
  const room = Math.max(1, options.height - 3);
  const maxColumns = Math.max(1, Math.floor(maxInner / 36));
  let columns = packColumns(blocks, room, maxColumns);
  const colWidth = Math.floor(maxInner / Math.max(1, columns.length));
  const tall = Math.max(...columns.map((c) => c.length));
  const lines: string[] = [];
  for (let r = 0; r < Math.min(tall, room); r++) {
    lines.push(columns.map((c) => fitAnsi(c[r] ?? '', colWidth)).join(''));
  }
  lines.push(theme.dim('remap them in ~/.config/demystify/keys.yaml (docs/keys.md)'));
  columns = [];
  const width = Math.min(options.width, Math.max(62, Math.floor(maxInner / colWidth) * colWidth + 4));
  return boxed('Keys (any key closes)', lines, width, theme);
}

/**
 * Put groups of rows into as few columns as fit `room` rows, keeping each group whole when it can
 * (a group cut in two reads badly); with no way to, the rows simply flow from column to column.
 */
function packColumns(blocks: string[][], room: number, maxColumns: number): string[][] {
  for (let count = 1; count <= maxColumns; count++) {
    const columns: string[][] = [[]];
    let fits = true;
    for (const block of blocks) {
      let column = columns[columns.length - 1]!;
      const gap = column.length > 0 ? 1 : 0;
      if (column.length + gap + block.length > room) {
        column = [];
        columns.push(column);
      } else if (gap) column.push('');
      if (block.length > room || columns.length > count) {
        fits = false;
        break;
      }
      column.push(...block);
    }
    if (fits) return columns;
  }
  const rows = blocks.flatMap((b, i) => (i === 0 ? b : ['', ...b]));
  const per = Math.ceil(rows.length / maxColumns);
  return Array.from({ length: maxColumns }, (_, i) => rows.slice(i * per, (i + 1) * per));
}

/** The question before quit-and-clean-up. */
export function renderConfirm(options: { width: number; theme: Theme }): string[] {
  const { theme } = options;
  const width = Math.min(options.width, 60);
  const text = wrapPlain(
    'Quit and clean up? Every process the lesson started is stopped and its tmux server ends; the next start begins the lesson again.',
    width - 4,
  );
  return boxed(
    'Quit and clean up',
    [...text, '', `${theme.key('y')} yes    ${theme.key('any other key')} no`],
    width,
    theme,
  );
}
