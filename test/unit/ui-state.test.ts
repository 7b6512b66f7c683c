import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineState } from '../../src/engine/machine.js';
import type { SessionLiveness } from '../../src/ui/presenter/component-views.js';
import type { Action } from '../../src/ui/presenter/keymap.js';
import { onOverlayKey, matchChapters } from '../../src/ui/presenter/overlays.js';
import { onAction } from '../../src/ui/presenter/ui-actions.js';
import { currentFailure } from '../../src/ui/presenter/failure.js';
import {
  expireMessage,
  initialUi,
  onEngineEvent,
  sessionsOf,
  type UiContext,
  type UiState,
} from '../../src/ui/presenter/ui-state.js';
import { engineAfter, fixtureLesson, runStep } from './ui-fixtures.js';

const lesson = fixtureLesson('cluster');
const fresh = engineAfter(lesson);

function ctx(
  engine: EngineState,
  narration = { scroll: 0, max: 40, height: 10 },
  live = new Map<string, SessionLiveness>(),
): UiContext {
  return { engine, sessions: sessionsOf(lesson, engine), narration, live, now: 1_000 };
}

function act(action: Action, engine: EngineState = fresh, ui: UiState = initialUi(engine)) {
  return onAction(ui, action, ctx(engine));
}

test('sessions: the shell first, then each component in the lesson’s order', () => {
  assert.deepEqual(sessionsOf(lesson, fresh), [
    'shell',
    'etcd',
    'kube-apiserver',
    'kube-scheduler',
    'containerd',
  ]);
  assert.equal(initialUi(fresh).session, 'etcd', 'the session of the current step');
});

test('run, next, previous and chapters are engine events; nothing else is decided here', () => {
  assert.deepEqual(act('run-step').events, [{ type: 'run-step' }]);
  assert.deepEqual(act('next-step').events, [{ type: 'next' }]);
  assert.deepEqual(act('previous-step').events, [{ type: 'previous' }]);
  assert.deepEqual(act('next-chapter').events, [{ type: 'jump-to-chapter', chapter: 1 }]);
  assert.deepEqual(act('previous-chapter').events, [], 'no chapter before the first');
  assert.deepEqual(act('replay-chapter').events, [{ type: 'replay-chapter', chapter: 0 }]);
});

test('a key while a step runs does not queue another one, and says why', () => {
  const running = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  const t = act('run-step', running);
  assert.deepEqual(t.events, []);
  assert.match(t.ui.message?.text ?? '', /typing the rest at once/);
  assert.deepEqual(t.commands, [{ kind: 'finish-typing' }], 'r while a step runs: finish its typing');
  assert.deepEqual(act('finish-typing', running).commands, [{ kind: 'finish-typing' }]);
  assert.deepEqual(act('typing-slower', running).commands, [{ kind: 'typing-speed', direction: -1 }]);
  assert.deepEqual(act('stop', running).events, [{ type: 'stop' }]);
  assert.deepEqual(act('replay-chapter', running).events, []);
});

const failedPut = engineAfter(lesson, [
  ...runStep(0, { kind: 'ok', durationMs: 1 }),
  ...runStep(1, {
    kind: 'failed',
    durationMs: 1,
    expectation: 'exit=0',
    reason: 'exited with status 1',
    logTail: [],
  }),
]);

test('after a failure, run retries the failed step, also once its panel is closed with Esc', () => {
  assert.equal(failedPut.cursor, 1, 'the cursor stays on the failed step');
  assert.deepEqual(act('run-step', failedPut).events, [{ type: 'run-step' }]);
  // Esc closes the panel (the bug: the closed value was never equal to the shown one).
  const closed = act('dismiss', failedPut).ui;
  assert.equal(closed.dismissedFailure, 'step-1');
  assert.equal(act('dismiss', failedPut, closed).ui.dismissedFailure, 'step-1', 'stays closed');
  // r then still means the failed step, never the next one.
  assert.deepEqual(act('run-step', failedPut, closed).events, [{ type: 'run-step' }]);
  // Show logs: the failed step's session, zoomed.
  const logs = act('show-logs', failedPut).ui;
  assert.equal(logs.session, 'shell');
  assert.equal(logs.zoom, 'terminal');
  // Esc ends the zoom first; the failure is still there, and r still retries.
  const back = act('dismiss', failedPut, logs).ui;
  assert.equal(back.zoom, 'none');
  assert.equal(back.dismissedFailure, null);
});

test('a reset that failed: Esc closes its panel; r replays the chapter again', () => {
  const resetFailed = engineAfter(lesson, [
    { type: 'replay-chapter', chapter: 0 },
    { type: 'reset-finished', error: 'could not end processes 42' },
  ]);
  const closed = act('dismiss', resetFailed).ui;
  assert.equal(closed.dismissedFailure, 'reset');
  assert.deepEqual(act('run-step', resetFailed).events, [{ type: 'replay-chapter', chapter: 0 }]);
});

test('a run stopped because state.json could not be written is not told as a failed reset; r runs the step', () => {
  const stopped = engineAfter(lesson, [
    { type: 'run-step' },
    { type: 'persist-failed', error: 'ENOSPC' },
    ...runStep(0, { kind: 'ok', durationMs: 1 }).slice(1),
  ]);
  const failure = currentFailure(stopped);
  assert.equal(failure?.title, 'The run stopped');
  assert.match(failure?.reason ?? '', /ENOSPC/);
  assert.notDeepEqual(act('run-step', stopped).events, [{ type: 'replay-chapter', chapter: 0 }]);
});

test('a step that already ran asks before it runs again; a running component is restarted cleanly', () => {
  const etcdDone = engineAfter(lesson, [...runStep(0, { kind: 'ok', durationMs: 1 })]);
  const back = engineAfter(lesson, [...runStep(0, { kind: 'ok', durationMs: 1 }), { type: 'previous' }]);
  assert.equal(back.cursor, 0);
  const running = new Map<string, SessionLiveness>([['etcd', { exists: true, busy: true }]]);
  const asked = onAction(initialUi(back), 'run-step', ctx(back, undefined, running));
  assert.deepEqual(asked.events, [], 'nothing runs without an answer');
  assert.deepEqual(asked.ui.overlay, { kind: 'confirm-rerun', step: 0, restart: true });
  const c = ctx(back, undefined, running);
  assert.deepEqual(onOverlayKey(asked.ui, 'r', undefined, c).commands, [
    { kind: 'restart-step', step: 0, session: 'etcd' },
  ]);
  assert.deepEqual(onOverlayKey(asked.ui, 's', undefined, c).events, [{ type: 'next' }], 'skip');
  const cancel = onOverlayKey(asked.ui, 'escape', 'dismiss', c);
  assert.deepEqual([cancel.events, cancel.commands, cancel.ui.overlay], [[], [], null]);
  // A done step whose component is down (or a shell step): run it again, after a yes.
  const again = act('run-step', back);
  assert.deepEqual(again.ui.overlay, { kind: 'confirm-rerun', step: 0, restart: false });
  assert.deepEqual(onOverlayKey(again.ui, 'y', undefined, ctx(back)).events, [{ type: 'run-step', step: 0 }]);
  // A step that failed while its component still runs (timed out waiting for ready): restart too.
  assert.equal(etcdDone.cursor, 1);
  const timedOut = engineAfter(lesson, [
    ...runStep(0, { kind: 'timed-out', durationMs: 1, waitingFor: 'ready', logTail: [] }),
  ]);
  assert.deepEqual(onAction(initialUi(timedOut), 'run-step', ctx(timedOut, undefined, running)).ui.overlay, {
    kind: 'confirm-rerun',
    step: 0,
    restart: true,
  });
});

test('messages go when they stop being true', () => {
  const running = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  const said = act('run-step', running).ui;
  assert.equal(expireMessage(said, running, 60_000).message?.text, 'typing the rest at once');
  const idle = engineAfter(lesson, runStep(0, { kind: 'ok', durationMs: 1 }));
  assert.equal(expireMessage(said, idle, 1_001).message, null, 'the step ended: the message goes at once');
  const follow = act('toggle-follow').ui;
  assert.ok(expireMessage(follow, fresh, 2_000).message, 'a plain message stays a while');
  assert.equal(expireMessage(follow, fresh, 6_000).message, null, 'then goes');
});

test('sessions are switched by number and in turn; focus and zoom', () => {
  assert.equal(act('session-0').ui.session, 'shell');
  assert.equal(act('session-2').ui.session, 'kube-apiserver');
  assert.equal(act('session-9').ui.session, 'etcd', 'no ninth component: nothing changes');
  assert.equal(act('next-session').ui.session, 'kube-apiserver');
  assert.equal(
    act('previous-session', fresh, { ...initialUi(fresh), session: 'shell' }).ui.session,
    'containerd',
  );
  const focused = act('focus-terminal').ui;
  assert.equal(focused.focus, 'terminal');
  assert.equal(act('focus-narration', fresh, focused).ui.focus, 'narration');
  const z1 = act('zoom').ui;
  const z2 = act('zoom', fresh, z1).ui;
  const z3 = act('zoom', fresh, z2).ui;
  assert.deepEqual([z1.zoom, z2.zoom, z3.zoom], ['terminal', 'narration', 'none']);
});

test('scrolling stays within the chapter; bottom follows the current step again', () => {
  const ui = initialUi(fresh);
  const at = (scroll: number) => ({ scroll, max: 40, height: 10 });
  assert.equal(onAction(ui, 'scroll-down', ctx(fresh, at(5))).ui.scroll, 6);
  assert.equal(onAction(ui, 'scroll-up', ctx(fresh, at(0))).ui.scroll, 0);
  assert.equal(onAction(ui, 'page-down', ctx(fresh, at(35))).ui.scroll, 40);
  assert.equal(onAction(ui, 'top', ctx(fresh, at(35))).ui.scroll, 0);
  assert.equal(onAction({ ...ui, scroll: 12 }, 'bottom', ctx(fresh)).ui.scroll, 'step');
});

test('quit keeps everything running; quit and clean up asks first', () => {
  assert.deepEqual(act('quit').commands, [{ kind: 'quit' }]);
  const asking = act('quit-cleanup');
  assert.deepEqual(asking.commands, []);
  assert.deepEqual(asking.ui.overlay, { kind: 'confirm-cleanup' });
  assert.deepEqual(onOverlayKey(asking.ui, 'y', undefined, ctx(fresh)).commands, [{ kind: 'quit-cleanup' }]);
  const no = onOverlayKey(asking.ui, 'n', undefined, ctx(fresh));
  assert.deepEqual(no.commands, []);
  assert.equal(no.ui.overlay, null);
});

test('jump to a chapter by name: typing filters, Enter jumps, accents and case do not matter', () => {
  assert.deepEqual(matchChapters(fresh.plan, ''), [0, 1, 2, 3]);
  assert.deepEqual(matchChapters(fresh.plan, '2'), [1]);
  assert.deepEqual(matchChapters(fresh.plan, 'API'), [1]);
  assert.deepEqual(matchChapters(fresh.plan, 'runtime'), [3]);
  assert.deepEqual(matchChapters(fresh.plan, 'zzz'), []);
  // A chapter whose id is a number is named by it before the chapter at that position, as with --from.
  const numbered = {
    ...fresh.plan,
    chapters: fresh.plan.chapters.map((c, i) => (i === 3 ? { ...c, id: '2' } : c)),
  };
  assert.deepEqual(matchChapters(numbered, '2').slice(0, 2), [3, 1]);
  let t = act('jump-chapter');
  for (const key of ['s', 'c', 'h']) t = onOverlayKey(t.ui, key, undefined, ctx(fresh));
  assert.deepEqual(t.ui.overlay, { kind: 'jump', input: 'sch', selected: 2 });
  t = onOverlayKey(t.ui, 'backspace', undefined, ctx(fresh));
  assert.equal(t.ui.overlay?.kind === 'jump' && t.ui.overlay.input, 'sc');
  t = onOverlayKey(t.ui, 'enter', undefined, ctx(fresh));
  assert.deepEqual(t.events, [{ type: 'jump-to-chapter', chapter: 2 }]);
  assert.equal(t.ui.overlay, null);
  const none = onOverlayKey(
    { ...initialUi(fresh), overlay: { kind: 'jump', input: 'zzz', selected: 0 } },
    'enter',
    undefined,
    ctx(fresh),
  );
  assert.deepEqual(none.events, []);
  assert.match(none.ui.message?.text ?? '', /no chapter matches/);
});

test('the terminal follows the session a step types into, unless pinned', () => {
  const started = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  const ui = { ...initialUi(fresh), session: 'shell', dismissedFailure: 'step-3' };
  const followed = onEngineEvent(ui, started, { type: 'step-started', step: 0, at: 1 });
  assert.equal(followed.session, 'etcd');
  assert.equal(followed.dismissedFailure, null, 'a new step opens the failure panel again');
  const pinned = onEngineEvent({ ...ui, follow: false }, started, { type: 'step-started', step: 0, at: 1 });
  assert.equal(pinned.session, 'shell');
  assert.equal(act('toggle-follow').ui.follow, false);
});

test('the rest of a chapter runs from its first step not run yet; the command of the step is copied', () => {
  const t = act('run-chapter');
  assert.deepEqual(t.events, [{ type: 'run-step', step: 0, to: 1 }]);
  const etcdDone = engineAfter(lesson, [...runStep(0, { kind: 'ok', durationMs: 1 }), { type: 'previous' }]);
  assert.deepEqual(act('run-chapter', etcdDone).events, [{ type: 'run-step', step: 1, to: 1 }]);
  const copy = act('copy-command');
  assert.deepEqual(copy.commands, [{ kind: 'copy', text: fresh.plan.steps[0]!.command }]);
  assert.match(copy.ui.message?.text ?? '', /copied the command of start-etcd/);
});

test('the split moves by 5 % within its range; the theme goes dark, light, contrast', () => {
  const c = { ...ctx(fresh), width: 80 };
  const wider = onAction(initialUi(fresh), 'split-wider', c).ui;
  assert.equal(wider.split, 0.65);
  let ui = initialUi(fresh);
  for (let i = 0; i < 20; i++) ui = onAction(ui, 'split-narrower', c).ui;
  assert.equal(ui.split, 0.2);
  const themes = [act('next-theme').ui];
  themes.push(act('next-theme', fresh, themes[0]).ui);
  themes.push(act('next-theme', fresh, themes[1]).ui);
  assert.deepEqual(
    themes.map((t) => t.theme),
    ['light', 'contrast', 'dark'],
  );
});
