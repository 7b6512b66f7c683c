import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineState } from '../../src/engine/machine.js';
import type { Action } from '../../src/ui/keymap.js';
import { onOverlayKey, matchChapters } from '../../src/ui/overlays.js';
import {
  initialUi,
  onAction,
  onEngineEvent,
  sessionsOf,
  type UiContext,
  type UiState,
} from '../../src/ui/ui-state.js';
import { engineAfter, fixtureLesson, runStep } from './ui-fixtures.js';

const lesson = fixtureLesson('cluster');
const fresh = engineAfter(lesson);

function ctx(engine: EngineState, narration = { scroll: 0, max: 40, height: 10 }): UiContext {
  return { engine, sessions: sessionsOf(lesson, engine), narration };
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
  assert.match(t.ui.message ?? '', /a step is running/);
  assert.deepEqual(act('stop', running).events, [{ type: 'stop' }]);
  assert.deepEqual(act('replay-chapter', running).events, []);
});

test('after a failure, run retries the failed step: back to it, then run it', () => {
  const failed = engineAfter(lesson, [
    ...runStep(0, { kind: 'ok', durationMs: 1 }),
    ...runStep(1, {
      kind: 'failed',
      durationMs: 1,
      expectation: 'exit=0',
      reason: 'exited with status 1',
      logTail: [],
    }),
  ]);
  assert.equal(failed.cursor, 2, 'the machine moved past the failed step');
  assert.deepEqual(act('run-step', failed).events, [{ type: 'previous' }, { type: 'run-step' }]);
  // Once the panel is closed, run means the current step again.
  const closed = act('dismiss', failed).ui;
  assert.equal(closed.dismissedFailure, 1);
  assert.deepEqual(act('run-step', failed, closed).events, [{ type: 'run-step' }]);
  // Show logs: the failed step's session, zoomed.
  const logs = act('show-logs', failed).ui;
  assert.equal(logs.session, 'shell');
  assert.equal(logs.zoom, 'terminal');
  // Esc ends the zoom first; the failure is still there, and r still retries.
  const back = act('dismiss', failed, logs).ui;
  assert.equal(back.zoom, 'none');
  assert.equal(back.dismissedFailure, null);
  assert.deepEqual(act('run-step', failed, logs).events, [{ type: 'previous' }, { type: 'run-step' }]);
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
  assert.equal(onAction({ ...ui, scroll: 12 }, 'bottom', ctx(fresh)).ui.scroll, null);
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
  assert.match(none.ui.message ?? '', /no chapter matches/);
});

test('the terminal follows the session a step types into, unless pinned', () => {
  const started = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  const ui = { ...initialUi(fresh), session: 'shell', dismissedFailure: 3 };
  const followed = onEngineEvent(ui, started, { type: 'step-started', step: 0, at: 1 });
  assert.equal(followed.session, 'etcd');
  assert.equal(followed.dismissedFailure, null, 'a new step opens the failure panel again');
  const pinned = onEngineEvent({ ...ui, follow: false }, started, { type: 'step-started', step: 0, at: 1 });
  assert.equal(pinned.session, 'shell');
  assert.equal(act('toggle-follow').ui.follow, false);
});
