import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { castTime, eventLine, headerLine, parseCast } from '../../src/adapters/recording/asciicast.js';
import { buildIndex, clock, indexMarkdown } from '../../src/adapters/recording/recording-index.js';
import { SessionCast } from '../../src/adapters/recording/session-cast.js';
import { initialState, type EngineEvent, type EngineState } from '../../src/engine/machine.js';
import { markersFor, type Marker, type MarkerMemory } from '../../src/engine/markers.js';
import type { Plan, PlannedStep } from '../../src/engine/plan-model.js';

function plan(): Plan {
  const step = (index: number, chapterId: string, name: string): PlannedStep => ({
    index,
    chapterId,
    chapterTitle: chapterId,
    name,
    session: 'shell',
    command: 'true',
    ready: [],
    expect: {},
    check: false,
    timeoutMs: 1000,
    sudo: false,
    interactive: false,
    background: false,
  });
  return {
    lessonId: 'x',
    lessonFile: 'x.md',
    lang: 'en',
    workdir: '/w',
    shellSession: 'shell',
    options: {},
    node: { ip: '127.0.0.1', name: 'node', source: 'loopback' },
    excluded: [],
    chapters: [
      { id: 'etcd', title: 'The store', steps: [0, 1] },
      { id: 'notes', title: 'Only narration', steps: [] },
      { id: 'sched', title: 'The scheduler', steps: [2] },
    ],
    steps: [step(0, 'etcd', 'start'), step(1, 'etcd', 'put'), step(2, 'sched', 'schedule')],
  };
}

/** Feed events through markersFor, as the recorder does. */
function markersOf(events: [EngineEvent, Partial<EngineState>?][]): Marker[] {
  const base = initialState(plan());
  let memory: MarkerMemory = {};
  const out: Marker[] = [];
  for (const [event, patch] of events) {
    const r = markersFor({ ...base, ...patch }, event, memory);
    memory = r.memory;
    out.push(...r.markers);
  }
  return out;
}

test('markers: a chapter when its first step starts, each step, a reset', () => {
  const labels = markersOf([
    [{ type: 'reset-finished' }],
    [{ type: 'step-started', step: 0, at: 1 }],
    [{ type: 'step-started', step: 1, at: 2 }],
    [{ type: 'step-started', step: 2, at: 3 }],
  ]).map((m) => `${m.kind}:${m.label}`);
  assert.deepEqual(labels, [
    'reset:reset',
    'chapter:The store',
    'step:▸ start',
    'step:▸ put',
    'chapter:The scheduler',
    'step:▸ schedule',
  ]);
});

test('markers: the presenter moving between chapters marks each one it lands on, once', () => {
  const labels = markersOf([
    [{ type: 'jump-to-chapter', chapter: 1 }, { chapter: 1 }],
    [{ type: 'next' }, { chapter: 1 }],
    [{ type: 'next' }, { chapter: 2 }],
    [{ type: 'step-started', step: 2, at: 1 }],
    [{ type: 'reset-finished', error: 'nope' }],
    [{ type: 'step-started', step: 2, at: 2 }],
  ]).map((m) => m.label);
  assert.deepEqual(labels, ['Only narration', 'The scheduler', '▸ schedule', 'The scheduler', '▸ schedule']);
});

test('asciicast lines parse back; times are rounded and never negative', () => {
  const text =
    headerLine({ version: 2, width: 80, height: 24, timestamp: 1700000000, title: 't' }) +
    eventLine(0.1234567, 'o', 'a\u001b[1mb\r\n') +
    eventLine(-1, 'm', 'The store');
  const cast = parseCast(text);
  assert.equal(cast.header.width, 80);
  assert.deepEqual(cast.events, [
    [0.123457, 'o', 'a\u001b[1mb\r\n'],
    [0, 'm', 'The store'],
  ]);
  assert.throws(() => parseCast('{"version":1}\n'));
  assert.throws(() => parseCast(`${headerLine({ version: 2, width: 1, height: 1, timestamp: 0 })}[1,"o"]\n`));
  fc.assert(fc.property(fc.double({ min: -10, max: 1e6, noNaN: true }), (t) => castTime(t) >= 0));
});

test('a session cast: output as the log grows, markers in order, times never go back, UTF-8 split safely', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dm-cast-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = join(dir, 'shell.log');
  await appendFile(log, 'before the recording\n');
  const cast = new SessionCast({
    session: 'shell',
    logFile: log,
    castFile: join(dir, 'shell.cast'),
    startMs: 10_000,
    fromOffset: 'before the recording\n'.length,
    width: 120,
    height: 30,
    title: 'x: shell',
  });
  await cast.open([{ atMs: 9_000, label: 'The store' }]);
  const euro = Buffer.from('€');
  await appendFile(log, Buffer.concat([Buffer.from('price: '), euro.subarray(0, 1)]));
  await cast.pump(10_500);
  await appendFile(log, Buffer.concat([euro.subarray(1), Buffer.from('5\r\n')]));
  await cast.mark({ atMs: 11_000, label: '▸ put' });
  await cast.pump(10_900); // seen late: clamped, never before the marker
  await appendFile(log, 'done\r\n');
  await cast.close(12_250);
  const { header, events } = parseCast(await readFile(join(dir, 'shell.cast'), 'utf8'));
  assert.deepEqual([header.width, header.height, header.timestamp, header.title], [120, 30, 10, 'x: shell']);
  assert.deepEqual(events, [
    [0, 'm', 'The store'],
    [0.5, 'o', 'price: '],
    [1, 'o', '€5\r\n'],
    [1, 'm', '▸ put'],
    [2.25, 'o', 'done\r\n'],
  ]);
  assert.deepEqual([cast.events, cast.markers], [5, 2]);
});

test('the index: sessions, each chapter once at its first marker, times in seconds', () => {
  const index = buildIndex({
    lesson: { id: 'x', title: 'X' },
    startMs: 1_000,
    endMs: 126_000,
    casts: [
      {
        spec: { session: 'shell', castFile: '/r/shell.cast', width: 200, height: 50 },
        events: 9,
        markers: 3,
      },
      { spec: { session: 'etcd', castFile: '/r/etcd.cast', width: 200, height: 50 }, events: 4, markers: 3 },
    ],
    markers: [
      { kind: 'chapter', label: 'The store', chapter: 'etcd', atMs: 1_500 },
      { kind: 'step', label: '▸ start', chapter: 'etcd', step: 'start', atMs: 1_510 },
      { kind: 'chapter', label: 'The scheduler', chapter: 'sched', atMs: 64_000 },
      { kind: 'chapter', label: 'The store', chapter: 'etcd', atMs: 90_000 },
    ],
  });
  assert.deepEqual(
    index.sessions.map((s) => s.file),
    ['etcd.cast', 'shell.cast'],
  );
  assert.deepEqual(index.chapters, [
    { id: 'etcd', title: 'The store', time: 0.5 },
    { id: 'sched', title: 'The scheduler', time: 63 },
  ]);
  assert.equal(index.durationS, 125);
  assert.equal(index.markers.length, 4);
  assert.match(indexMarkdown(index), /\| 1:03 \| The scheduler \(`sched`\) \|/);
  assert.deepEqual([0, 59.9, 63, 3725].map(clock), ['0:00', '0:59', '1:03', '1:02:05']);
});
