/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/), what asciinema and its web player
 * play: a header line (JSON object), then one JSON array per event, `[time, code, data]`, with the time
 * in seconds since the start: `o` output, `m` a marker (its label as data). Pure.
 */

/** The header line. */
export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time (seconds) of the recording's start. */
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
}

/** One event: seconds since the start, its code (`o`, `m`), its data. */
export type CastEvent = [number, string, string];

/** The header as a line. */
export function headerLine(header: CastHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** A time as written: seconds, never negative, rounded to the microsecond as asciinema does. */
export function castTime(time: number): number {
  return Math.round(Math.max(0, time) * 1e6) / 1e6;
}

/** An event as a line. */
export function eventLine(time: number, code: 'o' | 'm', data: string): string {
  return `${JSON.stringify([castTime(time), code, data])}\n`;
}

/** Parse a cast: throws on a line that is not what asciicast v2 says. */
export function parseCast(text: string): { header: CastHeader; events: CastEvent[] } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? '') as CastHeader;
  if (header.version !== 2 || !(header.width > 0) || !(header.height > 0))
    throw new Error(`not an asciicast v2 header: ${lines[0]}`);
  const events = lines.slice(1).map((line, i): CastEvent => {
    const event: unknown = JSON.parse(line);
    if (
      !Array.isArray(event) ||
      event.length !== 3 ||
      typeof event[0] !== 'number' ||
      typeof event[1] !== 'string' ||
      typeof event[2] !== 'string'
    )
      throw new Error(`line ${i + 2} is not an event: ${line}`);
    return event as CastEvent;
  });
  return { header, events };
}
