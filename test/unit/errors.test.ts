import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemystifyError, UsageError } from '../../src/errors.js';

test('DemystifyError carries code, exit code and cause', () => {
  const cause = new Error('low');
  const error = new DemystifyError('X', 'high', { exitCode: 3, cause });
  assert.equal(error.code, 'X');
  assert.equal(error.exitCode, 3);
  assert.equal(error.cause, cause);
  assert.equal(new UsageError('bad').exitCode, 2);
});
