/** Sizes in binary units, one decimal above KiB: `512 B`, `22.6 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration as `4 s`, `1 min 05 s`, `2 h 03 min`; rounded up so "0 s left" never shows early. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Time taken, with a decimal under ten seconds (`0.3 s`), else as {@link formatDuration}. */
export function formatElapsed(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : formatDuration(ms);
}

/**
 * Download speed over a sliding window of recent samples: steadier than the last chunk's rate and
 * quicker to follow a change than the average since the start.
 */
export class SpeedMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Record that `bytes` (a running total) had arrived at time `at` (ms). */
  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at > this.windowMs) this.samples.shift();
  }

  /** Bytes per second, or undefined until two samples span some time. */
  bytesPerSecond(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 1) return undefined;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}

/** The numbers one progress line shows. */
export interface ProgressFigures {
  received: number;
  total?: number;
  /** Bytes per second, when known. */
  speed?: number;
}

/** `42%  12.3/29.1 MiB  4.5 MiB/s  4 s left`, leaving out what is unknown. */
export function formatFigures({ received, total, speed }: ProgressFigures): string {
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    parts.push(`${String(Math.floor((received / total) * 100)).padStart(3)}%`);
    parts.push(`${formatBytes(received)} of ${formatBytes(total)}`);
  } else {
    parts.push(formatBytes(received));
  }
  parts.push(...speedParts({ received, total, speed }));
  return parts.join('  ');
}

/** The speed and the time left, when the speed is known. */
function speedParts({ received, total, speed }: ProgressFigures): string[] {
  if (speed === undefined) return [];
  const left = total !== undefined && speed > 0 && received < total;
  return [
    `${formatBytes(speed)}/s`,
    ...(left ? [`${formatDuration(((total - received) / speed) * 1000)} left`] : []),
  ];
}

/** The short form for a live bar: `42% 12.3/29.1 MiB 4.5 MiB/s 4 s left`. */
export function formatCompactFigures({ received, total, speed }: ProgressFigures): string {
  const parts: string[] = [];
  if (total !== undefined && total > 0) {
    const [value, unit] = formatBytes(total).split(' ');
    const scale = 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(unit!);
    const done = unit === 'B' ? String(received) : (received / scale).toFixed(1);
    parts.push(`${String(Math.floor((received / total) * 100)).padStart(3)}%`, `${done}/${value} ${unit}`);
  } else {
    parts.push(formatBytes(received));
  }
  parts.push(...speedParts({ received, total, speed }));
  return parts.join(' ');
}

/** A bar of `width` cells, filled in proportion (empty when the total is unknown). */
export function formatBar(received: number, total: number | undefined, width: number): string {
  if (width <= 0) return '';
  const filled = total && total > 0 ? Math.min(width, Math.floor((received / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** Shorten `text` to `width` columns with an ellipsis in the middle (file names keep both ends). */
export function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, Math.max(0, width));
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}
