import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentViews } from '../../src/ui/presenter/component-views.js';
import { observe, parsePanes, SessionMonitor } from '../../src/ui/presenter/session-monitor.js';
import { engineAfter, fixtureLesson, runStep } from './ui-fixtures.js';

const lesson = fixtureLesson('cluster');

test('a component’s phase comes from the step that starts it and from what runs in its session', () => {
  const fresh = engineAfter(lesson);
  assert.deepEqual(
    componentViews(lesson, fresh, new Map()).map((c) => c.phase),
    ['not-started', 'not-started', 'not-started', 'not-started'],
  );
  const starting = engineAfter(lesson, [{ type: 'run-step' }, { type: 'step-started', step: 0, at: 5 }]);
  assert.equal(componentViews(lesson, starting, new Map())[0]?.phase, 'starting');
  const ready = engineAfter(lesson, runStep(0, { kind: 'ok', durationMs: 400 }));
  assert.equal(
    componentViews(lesson, ready, new Map([['etcd', { exists: true, busy: true }]]))[0]?.phase,
    'ready',
  );
  assert.equal(
    componentViews(lesson, ready, new Map())[0]?.phase,
    'ready',
    'not looked at yet: as the engine says',
  );
  const down = componentViews(
    lesson,
    ready,
    new Map([['etcd', { exists: true, busy: false, idleSince: 7 }]]),
  )[0];
  assert.deepEqual(down, { name: 'etcd', session: 'etcd', phase: 'down', since: 7 });
  const failed = engineAfter(
    lesson,
    runStep(0, { kind: 'timed-out', durationMs: 1, waitingFor: 'x', logTail: [] }),
  );
  assert.equal(componentViews(lesson, failed, new Map())[0]?.phase, 'failed');
  const byHand = componentViews(lesson, fresh, new Map([['containerd', { exists: true, busy: true }]]));
  assert.equal(byHand[3]?.phase, 'running', 'started by hand in its session');
});

test('the monitor reads tmux: busy when something other than the shell is in the foreground', () => {
  const withSizes = parsePanes('etcd\tetcd\t78\t20\toff\n');
  assert.deepEqual(withSizes, [
    { session: 'etcd', command: 'etcd', window: { width: 78, height: 20, statusOff: true } },
  ]);
  assert.deepEqual(observe(new Map(), ['etcd'], withSizes, 1).get('etcd')?.window, {
    width: 78,
    height: 20,
    statusOff: true,
  });
  const panes = parsePanes('etcd\tetcd\nshell\tbash\nkube-apiserver\tbash\netcd\tother\n');
  assert.deepEqual(panes, [
    { session: 'etcd', command: 'etcd' },
    { session: 'shell', command: 'bash' },
    { session: 'kube-apiserver', command: 'bash' },
  ]);
  const first = observe(new Map(), ['etcd', 'kube-apiserver', 'containerd'], panes, 100);
  assert.deepEqual(first.get('etcd'), { exists: true, busy: true });
  assert.deepEqual(first.get('kube-apiserver'), { exists: true, busy: false, idleSince: 100 });
  assert.deepEqual(first.get('containerd'), { exists: false, busy: false, idleSince: 100 });
  // etcd stops at 200: down since 200, and still since 200 at 300.
  const stopped = observe(first, ['etcd'], parsePanes('etcd\tbash\n'), 200);
  assert.equal(stopped.get('etcd')?.idleSince, 200);
  assert.equal(observe(stopped, ['etcd'], parsePanes('etcd\tbash\n'), 300).get('etcd')?.idleSince, 200);
});

test('the monitor tells the presenter only about changes', async () => {
  let out = 'etcd\tbash\n';
  const changes: number[] = [];
  const monitor = new SessionMonitor(['etcd'], { listPanes: async () => out, now: () => 1 }, () =>
    changes.push(1),
  );
  await monitor.poll();
  await monitor.poll();
  assert.equal(changes.length, 1);
  out = 'etcd\tetcd\n';
  await monitor.poll();
  assert.equal(changes.length, 2);
  assert.deepEqual([...monitor.existing()], ['etcd']);
  out = '';
  await monitor.poll();
  assert.deepEqual([...monitor.existing()], []);
});
