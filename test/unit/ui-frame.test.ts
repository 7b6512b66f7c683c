import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleWidth } from '../../src/ui/text/ansi.js';
import { stripAnsi } from '../../src/escapes.js';
import { wordsFor } from '../../src/ui/presenter/words-for.js';
import { componentsRow } from '../../src/ui/presenter/status-line.js';
import {
  contrastTheme,
  lightTheme,
  makeTheme,
  noColor,
  themeNamed,
  type Theme,
} from '../../src/ui/presenter/theme.js';
import type { Frame } from '../../src/ui/presenter/frame.js';
import { frameLines, frameText } from '../helpers/screen.js';
import type { SessionLiveness } from '../../src/ui/presenter/component-views.js';
import type { EngineState } from '../../src/engine/machine.js';
import type { UiState } from '../../src/ui/presenter/ui-state.js';
import { matchSnapshot } from '../helpers/snapshot.js';
import { engineAfter, fakeTerminalLines, fixtureLesson, frameOf, runStep } from './ui-fixtures.js';

const lesson = fixtureLesson('cluster');
const SIZES = [
  [80, 24],
  [200, 50],
] as const;

/** Every region is exactly as wide and as tall as it says, and the frame fills the screen. */
function assertWellFormed(frame: Frame): void {
  for (const region of frame.regions) {
    assert.equal(
      region.lines.length,
      region.height,
      `${region.id}: ${region.lines.length} lines for ${region.height}`,
    );
    region.lines.forEach((line, i) =>
      assert.equal(
        visibleWidth(line),
        region.width,
        `${region.id} line ${i} is ${visibleWidth(line)} wide, not ${region.width}`,
      ),
    );
    assert.ok(region.x >= 0 && region.x + region.width <= frame.width, `${region.id} fits across`);
    assert.ok(region.y >= 0 && region.y + region.height <= frame.height, `${region.id} fits down`);
  }
  const lines = frameLines(frame);
  assert.equal(lines.length, frame.height);
  for (const line of lines) assert.equal(visibleWidth(line), frame.width);
}

const ready = (busy: boolean, idleSince?: number): SessionLiveness => ({
  exists: true,
  busy,
  ...(idleSince === undefined ? {} : { idleSince }),
});

const failedStart = engineAfter(
  lesson,
  runStep(0, {
    kind: 'failed',
    durationMs: 1400,
    exitStatus: 1,
    expectation: 'ready',
    reason: 'etcd exited with status 1 before it was ready',
    logTail: [
      '{"level":"info","msg":"opened backend db","path":"etcd-data/member/snap/db"}',
      '{"level":"fatal","msg":"listen tcp 127.0.0.1:2379: bind: address already in use"}',
      'work # ',
    ],
  }),
);

const midway = engineAfter(lesson, [
  ...runStep(0, { kind: 'ok', durationMs: 420 }),
  ...runStep(1, { kind: 'ok', durationMs: 80, exitStatus: 0 }),
  ...runStep(2, { kind: 'ok', durationMs: 3500 }),
  ...runStep(3, { kind: 'ok', durationMs: 150, exitStatus: 0 }),
  { type: 'run-step' },
  { type: 'step-started', step: 4, at: 60_000 },
]);

const cases: {
  name: string;
  engine: EngineState;
  ui?: Partial<UiState>;
  live?: Map<string, SessionLiveness>;
  live_terminal?: boolean;
}[] = [
  { name: 'start', engine: engineAfter(lesson) },
  { name: 'failed', engine: failedStart },
  {
    name: 'midway',
    engine: midway,
    live: new Map([
      ['etcd', ready(false, 20_000)],
      ['kube-apiserver', ready(true)],
      ['kube-scheduler', ready(true)],
    ]),
    ui: { session: 'kube-scheduler' },
    live_terminal: true,
  },
  { name: 'help', engine: engineAfter(lesson), ui: { overlay: { kind: 'help' } } },
  { name: 'jump', engine: engineAfter(lesson), ui: { overlay: { kind: 'jump', input: 'sch', selected: 2 } } },
  { name: 'confirm', engine: engineAfter(lesson), ui: { overlay: { kind: 'confirm-cleanup' } } },
  { name: 'notes', engine: engineAfter(lesson), ui: { notes: true } },
  {
    name: 'zoom-typing',
    engine: engineAfter(lesson),
    ui: { zoom: 'terminal', focus: 'terminal' },
    live_terminal: true,
  },
];

for (const c of cases) {
  for (const [width, height] of SIZES) {
    test(`frame '${c.name}' at ${width}x${height}`, () => {
      const frame = frameOf(lesson, c.engine, {
        width,
        height,
        ...(c.ui ? { ui: c.ui } : {}),
        ...(c.live ? { live: c.live } : {}),
        ...(c.live_terminal ? { terminal: { kind: 'live', lines: fakeTerminalLines(width, height) } } : {}),
      });
      assertWellFormed(frame);
      matchSnapshot(`ui-frame-${c.name}-${width}x${height}.txt`, `${frameText(frame)}\n`);
    });
  }
}

test('the failure panel says what failed and what to do, in bold on red, over the narration', () => {
  const frame = frameOf(lesson, failedStart, { width: 80, height: 24 });
  const panel = frame.regions.find((r) => r.id === 'failure');
  assert.ok(panel, 'a failure panel');
  const text = frameText(frame);
  assert.match(text, /✗ Step 1 “start-etcd” failed/);
  assert.match(text, /Expected: ready/);
  assert.match(text, /etcd exited with status 1 before it was ready/);
  assert.match(text, /bind: address already\n │ in use/, 'log lines are wrapped, not cut');
  assert.match(text, /r\/Enter retry {3}l show logs {3}R replay chapter/);
  assert.match(panel.lines[0] ?? '', /\x1b\[41m/, 'the title is on a red background');
  // Closed with Esc, it stays closed for that failure.
  const closed = frameOf(lesson, failedStart, { width: 80, height: 24, ui: { dismissedFailure: 'step-0' } });
  assert.equal(
    closed.regions.find((r) => r.id === 'failure'),
    undefined,
  );
  // Reading the logs full screen: the panel does not cover them.
  const logs = frameOf(lesson, failedStart, { width: 80, height: 24, ui: { zoom: 'terminal' } });
  assert.equal(
    logs.regions.find((r) => r.id === 'failure'),
    undefined,
  );
});

test('the current step is marked, and each step shows its state', () => {
  const text = frameText(frameOf(lesson, midway, { width: 200, height: 50, ui: { zoom: 'narration' } }));
  // Chapter 3 (scheduling) is shown while its step runs.
  assert.match(text, /▶ ◐ 5\. start-scheduler \[kube-scheduler\].*running 6\.0s/);
  const start = frameText(frameOf(lesson, engineAfter(lesson), { width: 200, height: 50 }));
  assert.match(start, /▶ ○ 1\. start-etcd \[etcd\]/);
  assert.match(start, /○ 2\. etcd-health .*check · pending/);
});

test('the status line gives every component its state, the chapter, the step and the time', () => {
  const live = new Map([
    ['etcd', ready(false, 20_000)],
    ['kube-apiserver', ready(true)],
  ]);
  const wide = frameText(frameOf(lesson, midway, { width: 200, height: 50, live }));
  assert.match(
    wide,
    /1 ✖ etcd down since 46s {2}2 ● kube-apiserver ready {2}3 ◐ kube-scheduler starting {2}4 ○ containerd not started/,
  );
  assert.match(wide, /Ch 3\/4 Scheduling · step 5\/6 start-scheduler · running 6\.0s /);
  assert.match(wide, /x stop {2}\? keys {2}01:05$/m);
  // At 80 columns the calm states lose their words first, then the kube- prefixes.
  const narrow = frameText(frameOf(lesson, midway, { width: 80, height: 24, live }));
  assert.match(
    narrow,
    /1 ✖ etcd down since 46s {2}2 ● apiserver {2}3 ◐ scheduler starting {2}4 ○ containerd\n/,
  );
  // Too many for the width: numbers and symbols close up, then the row is cut with an ellipsis.
  const many = Array.from({ length: 12 }, (_, i) => ({
    name: `component-${i + 1}`,
    session: `s${i}`,
    phase: 'ready' as const,
  }));
  const row = stripAnsi(componentsRow(many, 80, makeTheme(1), 0));
  assert.equal(visibleWidth(row), 80);
  assert.match(row, /^ 1●component-1 2●component-2 .*…$/);
});

test('a French lesson gets a French presenter: states, status line, panels', () => {
  const words = wordsFor('fr');
  const start = frameText(frameOf(lesson, engineAfter(lesson), { width: 200, height: 50, words }));
  assert.match(start, /○ 1\. start-etcd \[etcd\] ─+ à faire ─╮/);
  assert.match(start, /Ch 1\/4 The store · étape 1\/6 start-etcd/);
  assert.match(start, /r lancer {2}n passer {2}\? touches/);
  assert.match(start, /1 ○ etcd pas démarré/);
  assert.match(start, /etcd n’est pas encore démarré/);
  const failed = frameText(frameOf(lesson, failedStart, { width: 200, height: 50, words }));
  assert.match(failed, /L’étape 1 « start-etcd » a échoué/);
  assert.match(failed, /Attendu : ready/);
  assert.match(failed, /r\/Enter réessayer {3}l voir les journaux {3}R rejouer le chapitre {3}Esc fermer/);
  const help = frameText(
    frameOf(lesson, engineAfter(lesson), {
      width: 200,
      height: 50,
      words,
      ui: { overlay: { kind: 'help' } },
    }),
  );
  assert.match(help, /Touches \(une touche pour fermer\)/);
  assert.match(help, /lancer \(ou réessayer\)/);
  assert.equal(wordsFor('en').pending, 'pending');
  assert.equal(wordsFor('de').pending, 'pending', 'a language without its own words: English');
});

/** A styled frame made readable: each escape's ESC written as ⎋. */
const styled = (frame: Frame): string => `${frameLines(frame).join('\n').replace(/\x1b/g, '⎋')}\n`;

for (const [name, theme] of [
  ['light', lightTheme()],
  ['contrast', contrastTheme()],
] as const) {
  for (const [width, height] of SIZES) {
    test(`frame in the ${name} theme at ${width}x${height}`, () => {
      const live = new Map([['etcd', ready(false, 20_000)]]);
      const frame = frameOf(lesson, midway, { width, height, live, theme });
      assertWellFormed(frame);
      matchSnapshot(`ui-frame-theme-${name}-${width}x${height}.txt`, styled(frame));
    });
  }
}

test('themes: light has no yellow or white text; high contrast no gray; NO_COLOR no colour at all', () => {
  const live = new Map([['etcd', ready(false, 20_000)]]);
  const text = (theme: Theme): string =>
    frameLines(frameOf(lesson, failedStart, { width: 200, height: 50, live, theme })).join('\n');
  assert.doesNotMatch(text(lightTheme()), /\x1b\[(33|37|93)m/, 'light: no yellow, no plain white text');
  assert.doesNotMatch(text(contrastTheme()), /\x1b\[90m/, 'contrast: no gray');
  const mono = text(themeNamed('dark', { noColor: true }));
  assert.doesNotMatch(mono, /\x1b\[(3\d|4\d|9\d|10\d)m/, 'NO_COLOR: no foreground or background colour');
  assert.match(mono, /\x1b\[7m/, 'NO_COLOR: inverse marks the bars');
  assert.equal(noColor({ NO_COLOR: '1' }), true);
  assert.equal(noColor({ NO_COLOR: '' }), false);
  assert.equal(noColor({}), false);
});

test('with pinned versions the narration title says which ones, so a stand-in is not taken for the lesson’s', () => {
  const state = engineAfter(lesson);
  const pinned: EngineState = {
    ...state,
    plan: { ...state.plan, pins: { kubernetes: { version: '1.28.7', lesson: '1.36.0' } } },
  };
  const text = frameText(frameOf(lesson, pinned, { width: 200, height: 50 }));
  assert.match(text, new RegExp(`${lesson.title} · versions: kubernetes 1\\.28\\.7 \\(pinned 1\\.36\\.0\\)`));
  assert.doesNotMatch(frameText(frameOf(lesson, state, { width: 200, height: 50 })), /versions:/);
});
