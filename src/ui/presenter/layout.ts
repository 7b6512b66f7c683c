import type { Zoom } from './ui-state.js';

/** A rectangle of the screen, in cells. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where each pane goes. A pane hidden by a zoom has no rectangle. */
export interface Layout {
  narration?: Rect;
  notes?: Rect;
  terminal?: Rect;
  status: Rect;
}

/** What the layout depends on besides the size. */
export interface LayoutOptions {
  zoom: Zoom;
  notes: boolean;
  /** The narration's share of the split (0.2–0.8); null: the default for the screen's shape. */
  split?: number | null;
  /** Lines the speaker notes of the chapter take (0: none, and no box for them). */
  notesLines?: number;
}

/** Rows of the status line at the bottom: components, then chapter/step/time. */
const STATUS_ROWS = 2;
/** From this width on, the narration and the terminal sit side by side; below it, one above the other. */
export const SIDE_BY_SIDE_MIN_WIDTH = 120;
/** The narration's share by default: side by side, and stacked (where it is what a learner reads). */
const DEFAULT_SPLIT = { side: 0.42, stacked: 0.6 };
/** The narrowest the split goes either way. */
export const SPLIT_RANGE = { min: 0.2, max: 0.8 };

/** The narration's share for a screen, the user's split or the default. */
export function splitFor(width: number, split: number | null | undefined): number {
  const value = split ?? (width >= SIDE_BY_SIDE_MIN_WIDTH ? DEFAULT_SPLIT.side : DEFAULT_SPLIT.stacked);
  return Math.min(SPLIT_RANGE.max, Math.max(SPLIT_RANGE.min, value));
}

/**
 * Split the screen. Wide screens (a projector at 200×50) put the narration left and the terminal right;
 * narrow ones (80×24) stack them, so the terminal keeps the full width that log lines need. Speaker
 * notes, when shown and the chapter has some, take only the rows they need: below the narration side by
 * side, between the narration and the terminal (out of the terminal's share) when stacked.
 */
export function computeLayout(width: number, height: number, ui: LayoutOptions): Layout {
  const w = Math.max(20, width);
  const h = Math.max(STATUS_ROWS + 6, height);
  const status: Rect = { x: 0, y: h - STATUS_ROWS, width: w, height: STATUS_ROWS };
  const main: Rect = { x: 0, y: 0, width: w, height: h - STATUS_ROWS };
  if (ui.zoom === 'terminal') return { terminal: main, status };
  const share = splitFor(w, ui.split);
  const wanted = ui.notes && (ui.notesLines ?? 0) > 0 ? (ui.notesLines ?? 0) + 2 : 0;
  if (ui.zoom === 'narration') {
    if (!wanted) return { narration: main, status };
    const n = Math.min(wanted, Math.floor(main.height / 3));
    return {
      narration: { ...main, height: main.height - n },
      notes: { ...main, y: main.height - n, height: n },
      status,
    };
  }
  if (w >= SIDE_BY_SIDE_MIN_WIDTH) {
    const left = Math.max(40, Math.min(w - 30, Math.round(w * share)));
    const terminal: Rect = { x: left, y: 0, width: w - left, height: main.height };
    const n = wanted ? Math.max(3, Math.min(wanted, Math.floor(main.height / 3))) : 0;
    const narration: Rect = { x: 0, y: 0, width: left, height: main.height - n };
    return {
      narration,
      ...(n ? { notes: { ...narration, y: narration.height, height: n } } : {}),
      terminal,
      status,
    };
  }
  const top = Math.max(5, Math.min(main.height - 5, Math.round(main.height * share)));
  const narration: Rect = { x: 0, y: 0, width: w, height: top };
  // Notes come out of the terminal's rows, which keep at least five.
  const n = wanted ? Math.max(0, Math.min(wanted, main.height - top - 5)) : 0;
  const notes: Rect | undefined = n >= 3 ? { x: 0, y: top, width: w, height: n } : undefined;
  const used = top + (notes?.height ?? 0);
  const terminal: Rect = { x: 0, y: used, width: w, height: main.height - used };
  return { narration, ...(notes ? { notes } : {}), terminal, status };
}

/** The inside of a bordered pane: what a terminal of that pane measures (the pty's size). */
export function innerRect(rect: Rect): Rect {
  return {
    x: rect.x + 1,
    y: rect.y + 1,
    width: Math.max(1, rect.width - 2),
    height: Math.max(1, rect.height - 2),
  };
}

/** Whether two rectangles share a cell. */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
