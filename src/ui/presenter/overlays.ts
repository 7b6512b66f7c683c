import type { Plan } from '../../engine/plan-model.js';
import { EN } from './i18n.js';
import type { Action } from './keymap.js';
import { say, type UiContext, type UiState, type UiTransition } from './ui-state.js';

/** Lower case, accents removed: `Le serveur d'API` is found by `serveur`, `Réseau` by `reseau`. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * The chapters a jump prompt's input names, best first: its id, then its number, then ids and titles
 * that start with it, then those that contain it. An empty input lists every chapter. An id wins over a
 * position, as in `--from` and `replay`: with a chapter `{#3}`, typing 3 names that chapter first.
 */
export function matchChapters(plan: Plan, input: string): number[] {
  const q = fold(input.trim());
  const all = plan.chapters.map((_, i) => i);
  if (!q) return all;
  const score = (i: number): number => {
    const chapter = plan.chapters[i]!;
    const id = fold(chapter.id);
    const title = fold(chapter.title);
    if (id === q) return 0;
    if (String(i + 1) === q) return 1;
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
      return none({
        ...ui,
        overlay: null,
        message: say((ctx.words ?? EN).nothingCleaned, ctx.now ?? Date.now()),
      });
    case 'confirm-rerun':
      return onRerunKey(ui, overlay, key, ctx);
    case 'jump': {
      const plan = ctx.engine.plan;
      const matches = matchChapters(plan, overlay.input);
      if (key === 'escape' || action === 'dismiss') return none({ ...ui, overlay: null });
      if (key === 'enter') {
        const chapter = matches.includes(overlay.selected) ? overlay.selected : matches[0];
        if (chapter === undefined)
          return none({
            ...ui,
            message: say((ctx.words ?? EN).noChapterMatches(overlay.input), ctx.now ?? Date.now()),
          });
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

/**
 * The answer to "this step already ran": `r`/`y` runs it again (restarting its component cleanly when it
 * still runs), `s`/`n` skips it (the cursor moves on), anything else cancels.
 */
function onRerunKey(
  ui: UiState,
  overlay: { step: number; restart: boolean },
  key: string,
  ctx: UiContext,
): UiTransition {
  const closed: UiState = { ...ui, overlay: null, scroll: null };
  const step = ctx.engine.plan.steps[overlay.step];
  if (!step) return { ui: closed, events: [], commands: [] };
  if (key === 'r' || key === 'y' || key === 'Y' || key === 'enter') {
    if (overlay.restart)
      return {
        ui: closed,
        events: [],
        commands: [{ kind: 'restart-step', step: step.index, session: step.session }],
      };
    return { ui: closed, events: [{ type: 'run-step', step: step.index }], commands: [] };
  }
  if (key === 's' || key === 'n' || key === 'N') {
    const skip = ctx.engine.cursor === step.index ? [{ type: 'next' } as const] : [];
    return { ui: closed, events: skip, commands: [] };
  }
  return { ui: { ...ui, overlay: null }, events: [], commands: [] };
}
