import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { markersFor, type Marker, type MarkerMemory } from '../../engine/markers.js';
import { writeFileSafely } from '../files/write-file-safely.js';
import { logSize } from '../tmux/session-log.js';
import type { Tmux } from '../tmux/tmux.js';
import { headerLine, type CastHeader } from './asciicast.js';
import { buildIndex, writeIndex, type RecordingIndex, type TimedMarker } from './recording-index.js';
import { SessionCast } from './session-cast.js';

/** A session's window size. */
export type WindowSize = (session: string) => Promise<{ width: number; height: number } | undefined>;

/** How to record a lesson's sessions. */
export interface RecordingOptions {
  /** Folder of the recording: one `<session>.cast` per session, index.json, index.md, index.html. */
  dir: string;
  /** The work directory's logs (`<session>.log`, appended by tmux pipe-pane). */
  logsDir: string;
  /** The engine whose chapters and steps become markers. */
  engine: Engine;
  lesson: { id: string; title: string };
  windowSize: WindowSize;
  now?: () => number;
  /** Safety net besides inotify: how often every log is looked at (default 250 ms). */
  pollMs?: number;
}

/** A recording in progress. */
export interface Recording {
  readonly dir: string;
  /** Take the logs' last bytes, close every cast, write the index; returns it. */
  stop(): Promise<RecordingIndex>;
}

/** A session's window size from its tmux server (undefined when the session is gone). */
export function tmuxWindowSize(tmux: Tmux): WindowSize {
  return async (session) => {
    try {
      const out = await tmux.run([
        'display-message',
        '-p',
        '-t',
        `=${session}:`,
        '#{window_width} #{window_height}',
      ]);
      const [width, height] = out.trim().split(/\s+/).map(Number);
      return width && height ? { width, height } : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * Record every session of a lesson as an asciicast, from now on. The sessions' output already goes
 * through tmux pipe-pane into their logs: the recorder timestamps that stream as it lands (inotify on
 * the logs folder wakes it; a slow timer is the safety net), so nothing is captured twice and no byte is
 * missed. A cast is created when its session first prints; every cast shares the recording's start
 * time and carries every marker: chapters, steps, resets, from the engine's transitions.
 */
export async function startRecording(options: RecordingOptions): Promise<Recording> {
  const now = options.now ?? Date.now;
  const startMs = now();
  await mkdir(options.dir, { recursive: true });
  await mkdir(options.logsDir, { recursive: true });
  const logFile = (session: string): string => join(options.logsDir, `${session}.log`);
  // Output written before the start belongs to no recording.
  const baseline = new Map<string, number>();
  for (const session of await sessionsIn(options.logsDir))
    baseline.set(session, await logSize(logFile(session)));
  const casts = new Map<string, SessionCast>();
  const opening = new Map<string, Promise<SessionCast | undefined>>();
  const markers: TimedMarker[] = [];
  let memory: MarkerMemory = {};

  const castOf = (session: string): Promise<SessionCast | undefined> => {
    const known = casts.get(session);
    if (known) return Promise.resolve(known);
    const pending = opening.get(session);
    if (pending) return pending;
    const created = (async () => {
      if ((await logSize(logFile(session))) <= (baseline.get(session) ?? 0)) return undefined;
      const size = (await options.windowSize(session)) ?? { width: 200, height: 50 };
      // From here on synchronous: no marker can slip between the copy of the markers and the new cast.
      const cast = new SessionCast({
        session,
        logFile: logFile(session),
        castFile: join(options.dir, `${session}.cast`),
        startMs,
        fromOffset: baseline.get(session) ?? 0,
        ...size,
        title: `${options.lesson.title}: ${session}`,
      });
      void cast.open(markers.slice()).catch(() => undefined);
      casts.set(session, cast);
      return cast;
    })().finally(() => opening.delete(session));
    opening.set(session, created);
    return created;
  };
  const pump = async (session: string, atMs: number): Promise<void> => {
    await (await castOf(session))?.pump(atMs);
  };
  const pumpAll = async (atMs: number): Promise<void> => {
    await Promise.all((await sessionsIn(options.logsDir)).map((s) => pump(s, atMs).catch(() => undefined)));
  };

  const unsubscribe = options.engine.subscribe((state, event) => {
    const result = markersFor(state, event, memory);
    memory = result.memory;
    for (const marker of result.markers) {
      const timed: TimedMarker = { ...marker, atMs: now() };
      markers.push(timed);
      for (const cast of casts.values()) void cast.mark(timed).catch(() => undefined);
    }
  });
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(options.logsDir, { persistent: false }, (_event, name) => {
      const file = typeof name === 'string' ? name : '';
      if (file.endsWith('.log')) void pump(file.slice(0, -4), now()).catch(() => undefined);
    });
    watcher.on('error', () => undefined);
  } catch {
    // No inotify: the timer alone.
  }
  const timer = setInterval(() => void pumpAll(now()), options.pollMs ?? 250);
  timer.unref();

  return {
    dir: options.dir,
    async stop() {
      unsubscribe();
      watcher?.close();
      clearInterval(timer);
      const endMs = now();
      await pumpAll(endMs);
      await Promise.all([...opening.values()]);
      for (const cast of casts.values()) await cast.close(endMs).catch(() => undefined);
      // A window resized meanwhile (the presenter fits them to its pane): the header says its last size.
      for (const cast of casts.values()) {
        const size = await options.windowSize(cast.spec.session);
        if (size && (size.width !== cast.spec.width || size.height !== cast.spec.height))
          await rewriteHeader(cast.spec.castFile, size).catch(() => undefined);
      }
      const index = buildIndex({
        lesson: options.lesson,
        startMs,
        endMs,
        casts: [...casts.values()],
        markers,
      });
      await writeIndex(options.dir, index);
      return index;
    },
  };
}

/** Sessions that have a log. */
async function sessionsIn(logsDir: string): Promise<string[]> {
  try {
    return (await readdir(logsDir)).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4));
  } catch {
    return [];
  }
}

async function rewriteHeader(file: string, size: { width: number; height: number }): Promise<void> {
  const text = await readFile(file, 'utf8');
  const end = text.indexOf('\n');
  const header = { ...(JSON.parse(text.slice(0, end)) as CastHeader), ...size };
  await writeFileSafely(file, headerLine(header) + text.slice(end + 1), { mode: 0o644 });
}

export type { Marker };
