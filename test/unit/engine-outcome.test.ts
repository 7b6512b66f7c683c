import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeExpectation, isSuccess, judge, outcomeLabel } from '../../src/engine/outcome.js';
import { backoffDelay, backoffDelays, nextDelay } from '../../src/engine/backoff.js';
import { matchOutput, MIN_MATCH_MS, type OutputMatch } from '../../src/engine/output-match.js';

test('judge: exit 0 by default, exit=N exactly, fail wants non-zero, output must match', async () => {
  assert.deepEqual(await judge({}, { exitStatus: 0, output: '' }), { ok: true });
  assert.deepEqual(await judge({}, { exitStatus: 2, output: '' }), {
    ok: false,
    expectation: 'exit=0',
    reason: 'exited with status 2',
  });
  assert.equal((await judge({ exit: 3 }, { exitStatus: 3, output: '' })).ok, true);
  assert.equal((await judge({ exit: 3 }, { exitStatus: 0, output: '' })).ok, false);
  assert.equal((await judge({ fail: true }, { exitStatus: 1, output: '' })).ok, true);
  assert.deepEqual(await judge({ fail: true }, { exitStatus: 0, output: '' }), {
    ok: false,
    expectation: 'fail',
    reason: 'succeeded, but the lesson expects it to fail',
  });
  const output = { pattern: 'Pending', flags: 'i' };
  assert.equal((await judge({ output }, { exitStatus: 0, output: 'web-1   0/1   pending' })).ok, true);
  const miss = await judge({ output }, { exitStatus: 0, output: 'Running' });
  assert.equal(miss.ok, false);
  assert.equal(!miss.ok && miss.expectation, 'output=/Pending/i');
  // Both clauses hold together.
  assert.equal((await judge({ fail: true, output }, { exitStatus: 1, output: 'Running' })).ok, false);
});

test('matchOutput: a match, no match, an expression that does not compile, all as data', async () => {
  const rows: [string, string, string, OutputMatch['kind']][] = [
    ['Pend', '', 'web-1 Pending', 'match'],
    ['^etcd Version: 3\\.6\\.9$', 'mu', 'x\netcd Version: 3.6.9\ny', 'match'],
    ['Running', '', 'Pending', 'no-match'],
    ['(', '', 'x', 'error'],
    ['x', 'Q', 'x', 'error'],
  ];
  for (const [pattern, flags, text, kind] of rows)
    assert.equal((await matchOutput(pattern, flags, text, 5000)).kind, kind, `/${pattern}/${flags}`);
});

test('judge: an output match that backtracks without end fails at its time, and the event loop stays free', async () => {
  // /^(a+)+$/ against 40 a's and a b: about 2^40 steps, hours on the main thread.
  const expect = { output: { pattern: '^(a+)+$', flags: '' } };
  const output = `${'a'.repeat(40)}b`;
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 50);
  const start = Date.now();
  const verdict = await judge(expect, { exitStatus: 0, output }, { timeoutMs: 1200 });
  const took = Date.now() - start;
  clearInterval(ticker);
  assert.equal(verdict.ok, false);
  assert.equal(!verdict.ok && verdict.expectation, 'output=/^(a+)+$/');
  assert.match(
    !verdict.ok ? verdict.reason : '',
    /^matching its output \(41 characters\) against output=\/\^\(a\+\)\+\$\/ did not finish in 1\.\d s: the expression backtracks too much/,
  );
  assert.ok(took >= 1150 && took < 5000, `${took} ms`);
  assert.ok(ticks >= 10, `the event loop ran ${ticks} timers meanwhile`);
  // Less time than the least a match is given still gets that least.
  const quick = Date.now();
  await judge(expect, { exitStatus: 0, output }, { timeoutMs: 0 });
  assert.ok(Date.now() - quick >= MIN_MATCH_MS - 50);
  // The next match, in a fresh worker, is right again.
  assert.deepEqual(await judge(expect, { exitStatus: 0, output: 'aaaa' }), { ok: true });
});

test('describeExpectation and labels', () => {
  assert.equal(describeExpectation({}), 'exit=0');
  assert.equal(describeExpectation({ fail: true, output: { pattern: 'x', flags: '' } }), 'fail output=/x/');
  assert.equal(
    outcomeLabel({ kind: 'failed', durationMs: 1, exitStatus: 4, expectation: '', reason: '', logTail: [] }),
    'failed (exit 4)',
  );
  assert.equal(outcomeLabel({ kind: 'timed-out', durationMs: 1, waitingFor: '', logTail: [] }), 'timed out');
  assert.equal(isSuccess({ kind: 'skipped', reason: '' }), true);
  assert.equal(isSuccess({ kind: 'timed-out', durationMs: 1, waitingFor: '', logTail: [] }), false);
});

test('backoff starts at tens of milliseconds, grows, and is capped', () => {
  const delays = backoffDelays(20);
  assert.equal(delays[0], 10);
  assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]!));
  assert.equal(Math.max(...delays), 50);
  assert.equal(backoffDelay(-5), 10);
  assert.equal(backoffDelay(2, { initialMs: 20, factor: 2, maxMs: 1000 }), 80);
});

test('property: nextDelay never passes the deadline and is never negative', () => {
  fc.assert(
    fc.property(
      fc.nat(100),
      fc.nat(100_000),
      fc.integer({ min: -1000, max: 100_000 }),
      (attempt, now, left) => {
        const d = nextDelay(attempt, now, now + left);
        assert.ok(d >= 0);
        assert.ok(d <= Math.max(0, left));
        assert.ok(d <= 50);
      },
    ),
  );
});
