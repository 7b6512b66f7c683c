import type { Plan } from '../../engine/plan-model.js';
import type { PlannedStep } from '../../engine/plan-model.js';
import { fitAnsi, truncateAnsi } from '../text/ansi.js';
import { wrapPlain } from '../text/ansi-wrap.js';
import { EN, type Words } from './i18n.js';
import { ACTION_GROUPS, keysOf } from './key-labels.js';
import type { Action, Keymap } from './keymap.js';
import { matchChapters } from './overlays.js';
import type { Theme } from './theme.js';

/** A box of `lines` with a title in its top border, `width` wide, exactly as many lines as given + 2. */
function boxed(title: string, lines: string[], width: number, theme: Theme): string[] {
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
  options: { width: number; height: number; theme: Theme; words?: Words },
): string[] {
  const { theme } = options;
  const words = options.words ?? EN;
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
  if (rows.length === 0) rows.push(theme.dim(` ${words.noMatch}`));
  return boxed(
    words.jumpTitle,
    [`${theme.key('›')} ${overlay.input}${theme.key('▏')}`, ...rows],
    width,
    theme,
  );
}

/** The help panel: every action and its keys, in columns when the screen is wide enough. */
export function renderHelp(
  keymap: Keymap,
  options: { width: number; height: number; theme: Theme; words?: Words },
): string[] {
  const { theme } = options;
  const words = options.words ?? EN;
  const keyWidth = 12;
  const blocks = ACTION_GROUPS.map((group, g) => {
    const rows = [theme.heading(words.groups[g] ?? group.title)];
    for (const action of group.actions) {
      if (action === 'session-1') {
        const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9']
          .map((n) => keysOf(keymap, `session-${n}` as Action))
          .filter(Boolean);
        const label = keys.join('') === '123456789' ? '1…9' : keys.join(' ');
        rows.push(`${theme.key(label.padEnd(keyWidth))}${words.components19}`);
        continue;
      }
      const keys = keysOf(keymap, action);
      if (keys) rows.push(`${theme.key(keys.padEnd(keyWidth))}${words.actions[action]}`);
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
  lines.push(theme.dim(words.remap));
  columns = [];
  const width = Math.min(options.width, Math.max(62, Math.floor(maxInner / colWidth) * colWidth + 4));
  return boxed(words.keysTitle, lines, width, theme);
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
export function renderConfirm(options: { width: number; theme: Theme; words?: Words }): string[] {
  const { theme } = options;
  const words = options.words ?? EN;
  const width = Math.min(options.width, 60);
  const text = wrapPlain(words.cleanupText, width - 4);
  return boxed(
    words.cleanupTitle,
    [...text, '', `${theme.key('y')} ${words.yes}    ${theme.key(words.anyOtherKey)} ${words.no}`],
    width,
    theme,
  );
}

/**
 * The question before a step that already ran runs again. A component that still runs must be stopped
 * first (its session is busy: typing into it would fail), so the way on is a clean restart, or a skip.
 */
export function renderRerun(
  step: PlannedStep,
  restart: boolean,
  options: { width: number; theme: Theme; status: string; words?: Words },
): string[] {
  const { theme } = options;
  const words = options.words ?? EN;
  const width = Math.min(options.width, 64);
  const name = step.component ?? step.session;
  const text = restart ? words.restartText(name) : words.rerunText(options.status);
  const keys = restart
    ? `${theme.key('r')} ${words.restart(name)}   ${theme.key('s')} ${words.skip}   ${theme.key('Esc')} ${words.cancel}`
    : `${theme.key('y')} ${words.runAgain}   ${theme.key('s')} ${words.skip}   ${theme.key('Esc')} ${words.cancel}`;
  return boxed(
    words.alreadyRan(step.index + 1, step.name),
    [...wrapPlain(text, width - 4), '', keys],
    width,
    theme,
  );
}
