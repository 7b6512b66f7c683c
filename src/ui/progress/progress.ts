import type { FetchEvent } from '../../adapters/fetch/events.js';
import {
  fit,
  formatBar,
  formatBytes,
  formatCompactFigures,
  formatElapsed,
  formatFigures,
  SpeedMeter,
} from './progress-format.js';

/** Where and how to draw. */
export interface ProgressRendererOptions {
  write: (text: string) => void;
  /** A terminal gets live bars redrawn in place; anything else gets plain lines, a few per file. */
  tty: boolean;
  /** Terminal width (default 80). */
  columns?: number;
  /** Clock in ms (injectable for tests). */
  now?: () => number;
}

/** Follows a fetch's events and draws them. Call `finish()` once the fetch ends, successful or not. */
export interface ProgressRenderer {
  onEvent: (event: FetchEvent) => void;
  finish: () => void;
}

interface Active {
  file: string;
  received: number;
  total?: number;
  started: number;
  offset: number;
  meter: SpeedMeter;
  /** Quarter marks already printed in plain mode. */
  milestone: number;
}

/** Minimum time between two redraws of the live bars. */
const REDRAW_MS = 80;

/** The one-line message of an event that is not a progress update, or undefined. */
function describeEvent(event: FetchEvent): string | undefined {
  switch (event.kind) {
    case 'up-to-date':
      return `${event.name} ${event.version}: up to date`;
    case 'cached':
      return `${event.name}: in the cache (${event.file})`;
    case 'retry':
      return `${event.file}: ${event.reason}; retry ${event.attempt} resumes at ${formatBytes(event.offset)}`;
    case 'downloaded': {
      const speed = event.ms > 0 ? `, ${formatBytes((event.bytes * 1000) / event.ms)}/s` : '';
      return `${event.file}: downloaded ${formatBytes(event.bytes)} in ${formatElapsed(event.ms)}${speed}`;
    }
    case 'verified':
      return `${event.file}: sha256 ${event.sha256.slice(0, 16)}… verified (${event.source})`;
    case 'installed':
      return `installed ${event.name} ${event.version}: ${event.files.join(', ')} → ${event.dest}`;
    default:
      return undefined;
  }
}

/**
 * A renderer of fetch events: on a TTY, one live bar per download (size, speed, time left) redrawn in
 * place below the finished lines; elsewhere (CI logs, pipes) plain lines: start, each quarter, done.
 */
export function createProgressRenderer(options: ProgressRendererOptions): ProgressRenderer {
  const { write, tty } = options;
  const now = options.now ?? (() => performance.now());
  const columns = Math.max(40, options.columns ?? 80);
  const active = new Map<string, Active>();
  let liveLines = 0;
  let lastDraw = -Infinity;

  const barLine = (entry: Active, nameWidth: number): string => {
    const figures = formatCompactFigures({
      received: entry.received,
      total: entry.total,
      speed: entry.meter.bytesPerSecond(),
    });
    // The bar takes what the name and the figures leave, and goes when that is under 10 cells.
    const room = columns - 1 - nameWidth - figures.length - 2;
    const bar = room >= 12 ? `${formatBar(entry.received, entry.total, Math.min(30, room - 2))} ` : '';
    return fit(`${fit(entry.file, nameWidth).padEnd(nameWidth)} ${bar}${figures}`, columns - 1);
  };

  const draw = (messages: string[], force: boolean): void => {
    const at = now();
    if (!force && messages.length === 0 && at - lastDraw < REDRAW_MS) return;
    lastDraw = at;
    let out = liveLines > 0 ? `\r\x1b[${liveLines}A\x1b[J` : '';
    for (const message of messages) out += `${message}\n`;
    const entries = [...active.values()];
    const nameWidth = Math.min(
      24,
      Math.floor(columns / 4),
      Math.max(0, ...entries.map((e) => e.file.length)),
    );
    const lines = entries.map((entry) => barLine(entry, nameWidth));
    for (const line of lines) out += `${line}\n`;
    liveLines = lines.length;
    write(out);
  };

  const plainProgress = (entry: Active): void => {
    if (entry.total === undefined || entry.total === 0) return;
    const quarter = Math.floor((entry.received / entry.total) * 4);
    if (quarter <= entry.milestone || quarter >= 4) return;
    entry.milestone = quarter;
    const figures = formatFigures({
      received: entry.received,
      total: entry.total,
      speed: entry.meter.bytesPerSecond(),
    });
    write(`${entry.file}: ${figures.trim()}\n`);
  };

  const onEvent = (event: FetchEvent): void => {
    if (event.kind === 'start') {
      const entry: Active = {
        file: event.file,
        received: event.offset,
        total: event.total,
        started: now(),
        offset: event.offset,
        meter: new SpeedMeter(),
        milestone: event.total ? Math.floor((event.offset / event.total) * 4) : 0,
      };
      entry.meter.add(entry.started, event.offset);
      active.set(event.file, entry);
      const size = event.total !== undefined ? ` (${formatBytes(event.total)})` : '';
      const verb = event.offset > 0 ? `resuming at ${formatBytes(event.offset)}` : 'downloading';
      if (tty) draw([], true);
      else write(`${event.file}${size}: ${verb} from ${event.url}\n`);
      return;
    }
    if (event.kind === 'progress') {
      const entry = active.get(event.file);
      if (!entry) return;
      entry.received = event.received;
      entry.total = event.total ?? entry.total;
      entry.meter.add(now(), event.received);
      if (tty) draw([], false);
      else plainProgress(entry);
      return;
    }
    if (event.kind === 'downloaded' || event.kind === 'failed') active.delete(event.file);
    const message = describeEvent(event);
    if (message === undefined) return;
    if (tty) draw([message], true);
    else write(`${message}\n`);
  };

  return {
    onEvent,
    finish: () => {
      active.clear();
      if (tty && liveLines > 0) draw([], true);
    },
  };
}
