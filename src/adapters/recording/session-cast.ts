import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { logSize } from '../tmux/session-log.js';
import { castTime, eventLine, headerLine } from './asciicast.js';

/** A marker already placed, at epoch ms. */
export interface TimedLabel {
  atMs: number;
  label: string;
}

/** How one session's cast is made. */
export interface SessionCastSpec {
  session: string;
  /** The session's log (what tmux pipe-pane appends). */
  logFile: string;
  castFile: string;
  /** Epoch ms of the recording's start: every cast of a recording shares it. */
  startMs: number;
  /** Byte of the log where the recording starts (earlier output belongs to no recording). */
  fromOffset: number;
  width: number;
  height: number;
  title: string;
}

/**
 * One session's asciicast, written as its log grows: each new piece of the log becomes an `o` event
 * stamped with the time it was seen (the inotify event that woke the recorder), each marker an `m`
 * event. Work is queued, so events are written in order and times never go back.
 */
export class SessionCast {
  readonly spec: SessionCastSpec;
  events = 0;
  markers = 0;
  /** Seconds of the last event. */
  lastTime = 0;
  private offset: number;
  private handle: FileHandle | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly decoder = new StringDecoder('utf8');

  constructor(spec: SessionCastSpec) {
    this.spec = spec;
    this.offset = spec.fromOffset;
  }

  /** Create the file: the header, then the recording's markers so far (every cast has them all). */
  open(earlier: TimedLabel[]): Promise<void> {
    return this.enqueue(async () => {
      this.handle = await open(this.spec.castFile, 'w', 0o644);
      const header = {
        version: 2 as const,
        width: this.spec.width,
        height: this.spec.height,
        timestamp: Math.floor(this.spec.startMs / 1000),
        title: this.spec.title,
        env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
      };
      await this.handle.write(headerLine(header));
      for (const m of earlier) await this.writeMarker(m);
    });
  }

  /** Read what the log gained and write it as output seen at `atMs`. */
  pump(atMs: number): Promise<void> {
    return this.enqueue(() => this.readNew(atMs));
  }

  /** Place a marker at `atMs` (after the output the log holds by then). */
  mark(marker: TimedLabel): Promise<void> {
    return this.enqueue(async () => {
      await this.readNew(marker.atMs);
      await this.writeMarker(marker);
    });
  }

  /** Take the rest of the log, then close the file. */
  close(atMs: number): Promise<void> {
    return this.enqueue(async () => {
      await this.readNew(atMs);
      const rest = this.decoder.end();
      if (rest) await this.write(this.time(atMs), 'o', rest);
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNew(atMs: number): Promise<void> {
    const size = await logSize(this.spec.logFile);
    if (size <= this.offset) return;
    const file = await open(this.spec.logFile, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.decoder.write(buffer.subarray(0, bytesRead));
      if (text) await this.write(this.time(atMs), 'o', text);
    } finally {
      await file.close();
    }
  }

  private async writeMarker(marker: TimedLabel): Promise<void> {
    await this.write(this.time(marker.atMs), 'm', marker.label);
    this.markers++;
  }

  private time(atMs: number): number {
    return Math.max(this.lastTime, (atMs - this.spec.startMs) / 1000);
  }

  private async write(time: number, code: 'o' | 'm', data: string): Promise<void> {
    if (!this.handle) return;
    await this.handle.write(eventLine(time, code, data));
    this.lastTime = castTime(time);
    this.events++;
  }
}
