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

/** Rows of the status line at the bottom: components, then chapter/step/time. */
export const STATUS_ROWS = 2;
/** From this width on, the narration and the terminal sit side by side; below it, one above the other. */
export const SIDE_BY_SIDE_MIN_WIDTH = 120;

/**
 * Split the screen. Wide screens (a projector at 200×50) put the narration left and the terminal right;
 * narrow ones (80×24) stack them, so the terminal keeps the full width that log lines need. Speaker
 * notes, when shown, take the bottom of the narration's place.
 */
export function computeLayout(width: number, height: number, ui: { zoom: Zoom; notes: boolean }): Layout {
  const w = Math.max(20, width);
  const h = Math.max(STATUS_ROWS + 6, height);
  const status: Rect = { x: 0, y: h - STATUS_ROWS, width: w, height: STATUS_ROWS };
  const main: Rect = { x: 0, y: 0, width: w, height: h - STATUS_ROWS };
  if (ui.zoom === 'terminal') return { terminal: main, status };
  let narration: Rect;
  let terminal: Rect | undefined;
  if (ui.zoom === 'narration') {
    narration = main;
  } else if (w >= SIDE_BY_SIDE_MIN_WIDTH) {
    const left = Math.max(40, Math.floor(w * 0.42));
    narration = { x: 0, y: 0, width: left, height: main.height };
    terminal = { x: left, y: 0, width: w - left, height: main.height };
  } else {
    const top = Math.max(5, Math.floor(main.height * 0.45));
    narration = { x: 0, y: 0, width: w, height: top };
    terminal = { x: 0, y: top, width: w, height: main.height - top };
  }
  if (!ui.notes) return { narration, ...(terminal ? { terminal } : {}), status };
  const notesHeight = Math.max(3, Math.min(8, Math.floor(narration.height / 3)));
  const notes: Rect = { ...narration, y: narration.y + narration.height - notesHeight, height: notesHeight };
  narration = { ...narration, height: narration.height - notesHeight };
  return { narration, notes, ...(terminal ? { terminal } : {}), status };
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
