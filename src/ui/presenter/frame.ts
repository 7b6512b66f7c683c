import { fitAnsi, visibleWidth } from '../text/ansi.js';
import { currentFailure, renderFailurePanel } from './failure.js';
import { layoutOf, narrationRegion, notesRegion, terminalRegion } from './frame-panes.js';
import { EN, type Words } from './i18n.js';
import { renderConfirm, renderHelp, renderJump, renderRerun } from './overlay-views.js';
import { componentsRow, progressRow } from './status-line.js';
import { stepBadge } from './step-box.js';
import type { Theme } from './theme.js';
import type { Frame, Region, ViewInput } from './frame-model.js';
import { failureKey, type UiState } from './ui-state.js';

export { layoutOf, notesLines, paneLines, terminalRegion } from './frame-panes.js';

export type { Frame, Region, TerminalContent, ViewInput } from './frame-model.js';

/**
 * The frame for a state and a size. Pure: the same input gives the same text, which is what the
 * snapshot tests check at 80×24 and 200×50 and what the screen draws.
 */
export function renderFrame(input: ViewInput): Frame {
  const { width, height, ui, theme } = input;
  const words = input.words ?? EN;
  const layout = layoutOf(input.lesson, input.engine, ui, width, height);
  const regions: Region[] = [];
  const failure = currentFailure(input.engine, words);
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
      componentsRow(input.components, layout.status.width, theme, input.now, words),
      progressRow(input.engine, ui, {
        failureShown,
        words,
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
      const lines = renderFailurePanel(failure, input.keymap, {
        width: under.width,
        height: most,
        theme,
        words,
      });
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
    const room = { width: width - 2, height: height - 2, theme, words };
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
  room: { width: number; height: number; theme: Theme; words: Words },
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
      const status = stepBadge(state, room.theme, input.now, room.words).label;
      return renderRerun(step, overlay.restart, { ...room, status });
    }
  }
}
