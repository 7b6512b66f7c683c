import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpeakerChannelClient } from '../../src/adapters/speaker-channel/channel-client.js';
import { requestCleanup } from '../../src/adapters/speaker-channel/cleanup-request.js';
import { StateStore, newWorkdirState } from '../../src/adapters/workdir/state-store.js';
import type { Engine, EngineListener } from '../../src/engine/engine.js';
import { update, type EngineEvent, type EngineState } from '../../src/engine/machine.js';
import { startTalk, type TalkClock } from '../../src/engine/talk-clock.js';
import { SpeakerPublisher } from '../../src/ui/speaker/speaker-publisher.js';
import { asSnapshot, type SpeakerSnapshot } from '../../src/ui/speaker/speaker-snapshot.js';
import { engineAfter, talkLesson } from './speaker-fixtures.js';

const lesson = talkLesson();

/** An engine that applies the machine's transitions and performs no effect. */
function fakeEngine(state: EngineState): Engine {
  const listeners = new Set<EngineListener>();
  return {
    getState: () => state,
    dispatch(event: EngineEvent) {
      const t = update(state, event);
      state = t.state;
      for (const l of listeners) l(state, event, t.effects);
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    whenIdle: () => Promise.resolve(null),
    flush: () => Promise.resolve(),
  };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A work directory with a state.json (holding `talk`, if given), and a publisher on it. */
async function open(
  dir: string,
  options: { resumed: boolean; talk?: TalkClock; now: () => number; onCleanup?: (purge: boolean) => void },
) {
  const file = join(dir, 'state.json');
  const state = newWorkdirState({
    lessonId: 'speaker-talk',
    lessonFile: 'talk.md',
    options: {},
    tmuxSocket: 'x',
    reset: [],
  });
  writeFileSync(file, JSON.stringify(options.talk ? { ...state, talk: options.talk } : state));
  const store = new StateStore(file);
  const engine = fakeEngine(engineAfter(lesson));
  const current = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<StateStore['read']>;
  const runtime = { files: { layout: { root: dir } }, store, current: () => current } as never;
  const socketPath = join(dir, 'speaker.sock');
  const publisher = await SpeakerPublisher.start({
    lesson,
    engine,
    runtime,
    resumed: options.resumed,
    monitor: { current: new Map() },
    now: options.now,
    socketPath,
    ...(options.onCleanup ? { onCleanup: options.onCleanup } : {}),
  });
  return { publisher, engine, store, socketPath };
}

test('the presenter publishes on every change, keeps the talk clock in state.json, and restarts it when asked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-publisher-'));
  let now = 1_000_000;
  const { publisher, engine, store, socketPath } = await open(dir, { resumed: false, now: () => now });
  const snapshots: SpeakerSnapshot[] = [];
  const client = new SpeakerChannelClient(
    socketPath,
    {
      onMessage: (m) => void (asSnapshot(m) && snapshots.push(asSnapshot(m)!)),
      onConnection: () => undefined,
    },
    20,
  );
  client.start();
  t.after(async () => {
    client.close();
    await publisher.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await until(() => snapshots.length === 1, 'the first snapshot');
  assert.equal(snapshots[0]?.chapter.id, 'store');
  assert.equal(snapshots[0]?.clock.startedAt, 1_000_000, 'a new talk starts when the presenter opens');
  assert.equal(snapshots[0]?.talkBudgetMs, 45 * 60_000);

  now += 30_000;
  engine.dispatch({ type: 'jump-to-chapter', chapter: 1 });
  await until(() => snapshots.length === 2, 'the jump');
  assert.equal(snapshots[1]?.chapter.id, 'apiserver');
  assert.deepEqual(snapshots[1]?.clock.spentMs, { store: 30_000 });
  await until(
    () => (readFileSync(store.file, 'utf8').match(/"apiserver"/g) ?? []).length > 0,
    'the clock saved',
  );

  // Events that change nothing a speaker sees send nothing.
  engine.dispatch({ type: 'stop' });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  engine.dispatch({ type: 'next' });
  // Sent after anything the stop would have sent: had it sent one, there would be four by now.
  await until(() => snapshots.length >= 3, 'the next step');
  assert.equal(snapshots.length, 3);
  assert.equal(snapshots[2]?.next?.name, 'get-ns');

  now += 5_000;
  assert.ok(client.send({ type: 'restart-clock' }));
  await until(() => snapshots.length === 4, 'the restarted clock');
  assert.equal(snapshots[3]?.clock.startedAt, now);
  assert.deepEqual(snapshots[3]?.clock.spentMs, {});
});

test('a presenter that opens on a machine still running goes on with its talk', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-publisher-'));
  const talk = startTalk('store', 500);
  const resumed = await open(dir, { resumed: true, talk, now: () => 9_000 });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(resumed.publisher.talk.startedAt, 500);
  await resumed.publisher.stop();
  const fresh = await open(dir, { resumed: false, talk, now: () => 9_000 });
  assert.equal(fresh.publisher.talk.startedAt, 9_000, 'a machine that was not running: a new talk');
  await fresh.publisher.stop();
});

test('a cleanup request is accepted when the presenter takes it, and left unanswered otherwise', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-publisher-'));
  const asked: boolean[] = [];
  const taking = await open(dir, { resumed: false, now: Date.now, onCleanup: (p) => asked.push(p) });
  const other = mkdtempSync(join(tmpdir(), 'demystify-publisher-'));
  const deaf = await open(other, { resumed: false, now: Date.now });
  t.after(async () => {
    await taking.publisher.stop();
    await deaf.publisher.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });
  assert.equal(await requestCleanup(taking.socketPath, true), true);
  assert.deepEqual(asked, [true]);
  assert.equal(await requestCleanup(deaf.socketPath, false, 200), false);
});
