import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionLiveness } from '../../src/ui/presenter/component-views.js';
import { engineIdle } from '../../src/engine/machine.js';
import {
  fitCommands,
  fitsPane,
  placeholder,
  planSync,
  safeToShow,
  sizeHookCommand,
  typingInto,
} from '../../src/ui/terminal/terminal-sync.js';
import { engineAfter, fixtureLesson } from './ui-fixtures.js';

const lesson = fixtureLesson('cluster');
const size = { cols: 78, rows: 20 };
const fitted: SessionLiveness = {
  exists: true,
  busy: false,
  window: { width: 78, height: 20, statusOff: true },
};
const big: SessionLiveness = {
  exists: true,
  busy: false,
  window: { width: 200, height: 50, statusOff: false },
};

test('the client never resizes a window the engine is typing into', () => {
  const idle = engineAfter(lesson);
  // etcd's step is being typed: its shell is in the foreground, its window is 200×50.
  const typing = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  assert.equal(safeToShow('etcd', idle, new Map([['etcd', big]]), size), true, 'the engine is idle');
  assert.equal(
    safeToShow('etcd', typing, new Map([['etcd', big]]), size),
    false,
    'a resize would redraw its prompt',
  );
  assert.equal(safeToShow('etcd', typing, new Map([['etcd', fitted]]), size), true, 'no resize needed');
  assert.equal(
    safeToShow('etcd', typing, new Map([['etcd', { ...big, busy: true }]]), size),
    false,
    'what the monitor saw may be the session a reset ended: only the size counts',
  );
  assert.equal(safeToShow('etcd', typing, new Map(), size), false, 'not created yet');
  assert.equal(safeToShow('shell', typing, new Map([['shell', big]]), size), true, 'another session');
  assert.equal(fitsPane(fitted, size), true);
  assert.equal(fitsPane(big, size), false);
  assert.equal(engineIdle(idle), true);
  assert.equal(engineIdle(typing), false);
});

test('windows are brought to the pane size with no status line, except the one the client sizes itself', () => {
  const live = new Map<string, SessionLiveness>([
    ['shell', big],
    ['etcd', fitted],
    ['kube-apiserver', { exists: false, busy: false }],
    ['containerd', big],
  ]);
  assert.deepEqual(fitCommands(live, size, 'containerd'), [
    ['set-option', '-t', '=shell:', 'status', 'off'],
    ['resize-window', '-t', '=shell:', '-x', '78', '-y', '20'],
    ['set-option', '-wu', '-t', '=shell:', 'window-size'],
    ['set-option', '-t', '=containerd:', 'status', 'off'],
  ]);
  assert.deepEqual(fitCommands(new Map([['etcd', fitted]]), size, null), []);
});

test('new sessions get the pane size from a hook on the lesson server', () => {
  assert.deepEqual(sizeHookCommand(size), [
    'set-hook',
    '-g',
    'session-created',
    'set-option status off ; resize-window -x 78 -y 20 ; set-option -wu window-size',
  ]);
});

test('the session being typed into is never resized; the others are, even during a run', () => {
  const typing = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  assert.equal(typingInto(typing), 'etcd');
  assert.equal(typingInto(engineAfter(lesson)), undefined);
  const live = new Map<string, SessionLiveness>([
    ['shell', big],
    ['etcd', big],
  ]);
  const plan = planSync('shell', typing, live, { session: null, size });
  assert.deepEqual(
    plan.fit.map((c) => c[c.indexOf('-t') + 1]),
    ['=shell:', '=shell:', '=shell:'],
    'the shell is fitted, etcd is left alone',
  );
});

test('planSync: fit windows; show the wanted session when it exists and it is safe', () => {
  const idle = engineAfter(lesson);
  const typing = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 1 }]);
  const live = new Map<string, SessionLiveness>([
    ['shell', fitted],
    ['etcd', big],
  ]);
  const idlePlan = planSync('etcd', idle, live, { session: 'shell', size });
  assert.equal(idlePlan.show, true);
  assert.equal(idlePlan.fit.length, 3, 'etcd: status off, resize, unpin');
  const typingPlan = planSync('etcd', typing, live, { session: 'shell', size });
  assert.deepEqual(typingPlan, { fit: [], show: false }, 'nothing while the engine types into etcd');
  const hooked = new Map<string, SessionLiveness>([...live, ['etcd', fitted]]);
  assert.equal(
    planSync('etcd', typing, hooked, { session: 'shell', size }).show,
    true,
    'a window made at the pane size is shown while its command is typed',
  );
  assert.equal(planSync('shell', idle, live, { session: 'shell', size }).show, false, 'already shown');
  assert.equal(
    planSync('kube-apiserver', idle, live, { session: 'shell', size }).show,
    false,
    'no such session yet',
  );
});

test('the pane says why it shows nothing', () => {
  assert.deepEqual(placeholder('etcd', lesson, undefined), {
    kind: 'absent',
    reason: 'etcd is not started yet',
    hint: 'it appears here when a step starts it',
  });
  assert.deepEqual(placeholder('etcd', lesson, big), { kind: 'live', lines: [] }, 'on its way: blank');
  assert.match(JSON.stringify(placeholder('other', lesson, undefined)), /no session 'other' yet/);
});
