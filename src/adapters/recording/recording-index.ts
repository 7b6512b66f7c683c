import { basename, join } from 'node:path';
import type { Marker } from '../../engine/markers.js';
import { writeFileSafely } from '../files/write-file-safely.js';

/** A marker with the epoch ms it was placed at. */
export type TimedMarker = Marker & { atMs: number };

/** What a recording holds: index.json. Times are seconds since the recording's start (as in the casts). */
export interface RecordingIndex {
  version: 1;
  lesson: { id: string; title: string };
  startedAt: string;
  endedAt: string;
  durationS: number;
  sessions: {
    session: string;
    file: string;
    width: number;
    height: number;
    events: number;
    markers: number;
  }[];
  /** Each chapter once, at its first marker. */
  chapters: { id: string; title: string; time: number }[];
  markers: { time: number; kind: Marker['kind']; label: string; chapter?: string; step?: string }[];
}

/** What the index is built from (the casts are read for their names, sizes and counts). */
export interface IndexInput {
  lesson: { id: string; title: string };
  startMs: number;
  endMs: number;
  casts: {
    spec: { session: string; castFile: string; width: number; height: number };
    events: number;
    markers: number;
  }[];
  markers: TimedMarker[];
}

/** Build the index of a recording. Pure. */
export function buildIndex(input: IndexInput): RecordingIndex {
  const at = (ms: number): number => Math.round(ms - input.startMs) / 1000;
  const chapters: RecordingIndex['chapters'] = [];
  for (const m of input.markers)
    if (m.kind === 'chapter' && m.chapter && !chapters.some((c) => c.id === m.chapter))
      chapters.push({ id: m.chapter, title: m.label, time: at(m.atMs) });
  return {
    version: 1,
    lesson: input.lesson,
    startedAt: new Date(input.startMs).toISOString(),
    endedAt: new Date(input.endMs).toISOString(),
    durationS: at(input.endMs),
    sessions: input.casts
      .map((c) => ({
        session: c.spec.session,
        file: basename(c.spec.castFile),
        width: c.spec.width,
        height: c.spec.height,
        events: c.events,
        markers: c.markers,
      }))
      .sort((a, b) => a.session.localeCompare(b.session)),
    chapters,
    markers: input.markers.map((m) => ({
      time: at(m.atMs),
      kind: m.kind,
      label: m.label,
      ...(m.chapter ? { chapter: m.chapter } : {}),
      ...(m.step ? { step: m.step } : {}),
    })),
  };
}

/** `83.4` seconds as `1:23`. */
export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

/** The index as Markdown: the sessions (with how to play them) and the chapters with their times. */
export function indexMarkdown(index: RecordingIndex): string {
  const lines = [
    `# Recording of ${index.lesson.title}`,
    '',
    `${index.startedAt} to ${index.endedAt} (${clock(index.durationS)}). One asciicast v2 file per session; play one`,
    'with `asciinema play FILE` (markers: chapters and steps; asciinema-player shows them on its timeline).',
    '',
    '| session | file | size | events |',
    '| --- | --- | --- | --- |',
    ...index.sessions.map(
      (s) => `| ${s.session} | [${s.file}](${s.file}) | ${s.width}x${s.height} | ${s.events} |`,
    ),
    '',
    '## Chapters',
    '',
    '| time | chapter |',
    '| --- | --- |',
    ...index.chapters.map((c) => `| ${clock(c.time)} | ${c.title} (\`${c.id}\`) |`),
    '',
  ];
  return lines.join('\n');
}

/** The index as a small self-contained HTML page (no script, nothing external). */
function indexHtml(index: RecordingIndex): string {
  const e = (t: string): string => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const sessions = index.sessions
    .map(
      (s) =>
        `<li><a href="${e(s.file)}">${e(s.session)}</a> (${s.width}x${s.height}, ${s.events} events)</li>`,
    )
    .join('\n');
  const chapters = index.chapters
    .map((c) => `<tr><td>${clock(c.time)}</td><td>${e(c.title)} <code>${e(c.id)}</code></td></tr>`)
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Recording of ${e(index.lesson.title)}</title>`,
    '<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:900px;padding:0 16px} td{padding:2px 12px 2px 0}</style>',
    '</head><body>',
    `<h1>Recording of ${e(index.lesson.title)}</h1>`,
    `<p>${e(index.startedAt)} to ${e(index.endedAt)} (${clock(index.durationS)}). Play a session with <code>asciinema play FILE</code>.</p>`,
    `<h2>Sessions</h2><ul>\n${sessions}\n</ul>`,
    `<h2>Chapters</h2><table>\n${chapters}\n</table>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Write index.json, index.md and index.html into the recording's folder. */
export async function writeIndex(dir: string, index: RecordingIndex): Promise<void> {
  const options = { mode: 0o644, parents: true };
  await writeFileSafely(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`, options);
  await writeFileSafely(join(dir, 'index.md'), indexMarkdown(index), options);
  await writeFileSafely(join(dir, 'index.html'), indexHtml(index), options);
}
