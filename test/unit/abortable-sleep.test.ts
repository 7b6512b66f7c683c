import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abortableSleep } from '../../src/adapters/runtime/workdir-runtime.js';

test('abortableSleep resolves after its time', async () => {
  assert.equal(await abortableSleep(1), undefined);
});

test('abortableSleep rejects when its signal aborts, and at once when it already has', async () => {
  const stop = new AbortController();
  const sleeping = abortableSleep(60_000, stop.signal);
  stop.abort();
  await assert.rejects(sleeping, { name: 'AbortError' });
  await assert.rejects(abortableSleep(60_000, stop.signal), { name: 'AbortError' });
});
