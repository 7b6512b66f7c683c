import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleWidth } from '../../src/ui/text/ansi.js';
import { stripAnsi } from '../../src/escapes.js';
import type { SessionLiveness } from '../../src/ui/presenter/component-views.js';
import { renderSpeakerFrame } from '../../src/ui/speaker/speaker-frame.js';
import type { SpeakerSnapshot } from '../../src/ui/speaker/speaker-snapshot.js';
import { makeTheme } from '../../src/ui/presenter/theme.js';
import { matchSnapshot } from '../helpers/snapshot.js';
import { clockThrough, engineAfter, runStep, snapshotOf, talkLesson } from './speaker-fixtures.js';

const lesson = talkLesson();
const MIN = 60_000;
const SIZES = [
  [80, 24],
  [120, 35],
] as const;

const up = (busy: boolean, idleSince?: number): SessionLiveness => ({
  exists: true,
  busy,
  ...(idleSince === undefined ? {} : { idleSince }),
});

/** Chapter 2 (the API server): its first step ran, its notes show; the next one needs kubectl. */
const apiserverDone = engineAfter(lesson, [
  ...runStep(0, { kind: 'ok', durationMs: 1200 }),
  ...runStep(1, { kind: 'ok', durationMs: 90, exitStatus: 0 }),
  ...runStep(2, { kind: 'ok', durationMs: 3400 }, 20 * MIN),
]);
const midway = snapshotOf(
  lesson,
  apiserverDone,
  clockThrough([
    ['store', 0],
    ['apiserver', 4 * MIN],
  ]),
  {
    live: new Map([
      ['etcd', up(true)],
      ['kube-apiserver', up(true)],
    ]),
    finished: 2,
  },
);

/** Chapter 3 (scheduling) with its step running, long past the chapter's and the talk's budgets. */
const late = engineAfter(lesson, [
  ...runStep(0, { kind: 'ok', durationMs: 1200 }),
  ...runStep(1, { kind: 'ok', durationMs: 90, exitStatus: 0 }),
  ...runStep(2, { kind: 'ok', durationMs: 3400 }),
  ...runStep(3, { kind: 'ok', durationMs: 200, exitStatus: 0 }),
  { type: 'run-step' },
  { type: 'step-started', step: 4, at: 50 * MIN - 4200 },
]);
const overBudget = snapshotOf(
  lesson,
  late,
  clockThrough([
    ['store', 0],
    ['apiserver', 6 * MIN],
    ['scheduling', 38 * MIN],
  ]),
  {
    live: new Map([
      ['etcd', up(false, 50 * MIN - 12_000)],
      ['kube-apiserver', up(true)],
    ]),
  },
);

const cases: { name: string; snapshot: SpeakerSnapshot | null; live: boolean; now: number }[] = [
  { name: 'waiting', snapshot: null, live: false, now: 0 },
  { name: 'midway', snapshot: midway, live: true, now: 12 * MIN + 30_000 },
  { name: 'over-budget', snapshot: overBudget, live: true, now: 50 * MIN },
  { name: 'presenter-gone', snapshot: overBudget, live: false, now: 50 * MIN + 5000 },
];

for (const c of cases) {
  for (const [width, height] of SIZES) {
    test(`speaker frame '${c.name}' at ${width}x${height}`, () => {
      const lines = renderSpeakerFrame({
        snapshot: c.snapshot,
        live: c.live,
        now: c.now,
        width,
        height,
        theme: makeTheme(1),
        hint: 'open it with: demystify talk.md --workdir /work/lesson',
      });
      assert.equal(lines.length, height);
      lines.forEach((line, i) => assert.equal(visibleWidth(line), width, `line ${i} is ${width} wide`));
      matchSnapshot(`speaker-frame-${c.name}-${width}x${height}.txt`, `${lines.map(stripAnsi).join('\n')}\n`);
    });
  }
}

const text = (snapshot: SpeakerSnapshot | null, now: number, live = true, size = [120, 35]): string =>
  renderSpeakerFrame({
    snapshot,
    live,
    now,
    width: size[0] ?? 120,
    height: size[1] ?? 35,
    theme: makeTheme(0),
  }).join('\n');

test('the current step shows with its notes, the chapter its own, the next step its command', () => {
  const screen = text(midway, 12 * MIN + 30_000);
  assert.match(screen, /NOW {3}3\. start-apiserver {2}✓ ok 3\.4s/);
  assert.match(screen, /• {2}the first lines are about the certificates: say why\./);
  assert.match(screen, /CHAPTER NOTES *\n {3}• {2}the API server is the only client of etcd/);
  assert.match(screen, /NEXT {2}4\. get-ns {2}in the shell *\n {3}\$ kubectl get namespaces/);
  assert.match(screen, /● etcd up {3}● kube-apiserver up {3}○ kube-scheduler not started/);
  assert.match(screen, /─ Chapter 2\/4 · The API server ─/);
});

test('past 100 % of a budget the view says so in words', () => {
  const screen = text(overBudget, 50 * MIN);
  // The talk: 50 min of 45; the chapter (scheduling): 12 min of 10.
  assert.match(screen, /TALK {5}50:00 of 45:00 .* 111% +OVER BUDGET by 05:00/);
  assert.match(screen, /CHAPTER {2}12:00 of 10:00 .* 120% +OVER BUDGET by 02:00/);
  assert.match(screen, /NOW {3}5\. start-scheduler {2}◐ running 4\.2s/);
  assert.match(screen, /✖ etcd down 12s/);
  // Under budget: the time left, no alarm.
  const early = text(midway, 5 * MIN);
  assert.match(early, /TALK {5}05:00 of 45:00 .* 11% {2}40:00 left/);
  assert.doesNotMatch(early, /OVER BUDGET/);
  // In colour, the alarm is on red.
  const coloured = renderSpeakerFrame({
    snapshot: overBudget,
    live: true,
    now: 50 * MIN,
    width: 80,
    height: 24,
    theme: makeTheme(1),
  });
  assert.match(coloured[1] ?? '', /\x1b\[41m(?:\x1b\[[0-9;]*m)* OVER BUDGET/);
});

test('without a presenter the view waits, and keeps the last snapshot with the clocks running', () => {
  assert.match(text(null, 0, false), /waiting for the presenter/);
  const gone = text(overBudget, 51 * MIN, false);
  assert.match(gone, /◌ waiting for the presenter\n/);
  assert.match(gone, /TALK {5}51:00 of 45:00/);
});

test('a step that ended stays "now" after the cursor moved past it', () => {
  // start-etcd and etcd-health ran: the cursor is in chapter 2, the last one to end was etcd-health.
  const engine = engineAfter(lesson, [
    ...runStep(0, { kind: 'ok', durationMs: 1200 }),
    ...runStep(1, { kind: 'ok', durationMs: 90, exitStatus: 0 }),
  ]);
  const clock = clockThrough([
    ['store', 0],
    ['apiserver', MIN],
  ]);
  const afterRun = snapshotOf(lesson, engine, clock, { finished: 1 });
  assert.equal(afterRun.current?.name, 'etcd-health');
  // The presenter keeps a finished chapter on screen (chapter done · → next): no other chapter to name.
  assert.equal(afterRun.current?.otherChapter, undefined);
  assert.match(text(afterRun, 2 * MIN), /NOW {3}2\. etcd-health {2}✓ ok 90ms/);
  // Once the presenter moves on to the next chapter, that chapter starts afresh.
  const moved = snapshotOf(lesson, { ...engine, chapter: 1 }, clock);
  assert.equal(moved.current, null);
  assert.match(text(moved, 2 * MIN), /NOW {3}the chapter begins/);
  assert.equal(moved.next?.name, 'start-apiserver');
});

test('the last step done, nothing is next', () => {
  const events = [0, 1, 2, 3, 4, 5].flatMap((i) => runStep(i, { kind: 'ok', durationMs: 10, exitStatus: 0 }));
  const engine = engineAfter(lesson, events);
  const snapshot = snapshotOf(lesson, engine, clockThrough([['runtime', 0]]));
  assert.equal(snapshot.next, null);
  assert.equal(snapshot.steps.done, 6);
  assert.match(text(snapshot, MIN), /NEXT {2}nothing: the lesson is done/);
});

test('a long command and many notes are cut to the screen, saying how much is left out', () => {
  const long: SpeakerSnapshot = {
    ...midway,
    current: midway.current && {
      ...midway.current,
      notes: Array.from({ length: 30 }, (_, i) => `note ${i}`),
    },
    next: midway.next && {
      ...midway.next,
      command: Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'),
    },
  };
  const lines = renderSpeakerFrame({
    snapshot: long,
    live: true,
    now: MIN,
    width: 80,
    height: 24,
    theme: makeTheme(0),
  });
  assert.equal(lines.length, 24);
  const screen = lines.join('\n');
  assert.match(screen, /… \d+ more line\(s\)/);
  assert.match(screen, /\$ line 0/);
  assert.match(screen, /q quits · T restarts the talk clock/);
});
