import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureMessage, runAttached, runFile } from '../../src/adapters/processes/exec-file.js';

test('runFile keeps exit code and both outputs; stripFinalNewline drops one final newline', async () => {
  const script = 'printf "out\\n\\n"; printf "err\\n" >&2; exit 3';
  const raw = await runFile('sh', ['-c', script]);
  assert.deepEqual(raw, { exitCode: 3, stdout: 'out\n\n', stderr: 'err\n' });
  const stripped = await runFile('sh', ['-c', script], { stripFinalNewline: true });
  assert.deepEqual(stripped, { exitCode: 3, stdout: 'out\n', stderr: 'err' });
});

test('runFile: a timeout sends the kill signal asked for, and says so', async () => {
  const result = await runFile('sleep', ['30'], { timeoutMs: 50, killSignal: 'SIGTERM' });
  assert.equal(result.exitCode, undefined);
  assert.equal(result.errorCode, 'ETIMEDOUT');
  assert.equal(result.signal, 'SIGTERM');
  assert.equal(
    failureMessage('sleep', ['30'], result, 50),
    'Command timed out after 50 milliseconds: sleep 30',
  );
});

test('runFile and runAttached: a missing program is ENOENT, without an exit code', async () => {
  const result = await runFile('demystify-no-such-program', ['-v']);
  assert.equal(result.exitCode, undefined);
  assert.equal(result.errorCode, 'ENOENT');
  assert.equal(
    failureMessage('demystify-no-such-program', ['-v'], result),
    'Command failed with ENOENT: demystify-no-such-program -v',
  );
  const attached = await runAttached('demystify-no-such-program', [], {
    tty: false,
    onStdout: () => undefined,
    onStderr: () => undefined,
  });
  assert.equal(attached.errorCode, 'ENOENT');
});

test('runAttached hands piped output over and reports a signal', async () => {
  let out = '';
  let err = '';
  const done = await runAttached('sh', ['-c', 'echo hi; echo oops >&2; exit 4'], {
    tty: false,
    onStdout: (t) => (out += t),
    onStderr: (t) => (err += t),
  });
  assert.deepEqual(done, { exitCode: 4 });
  assert.equal(out, 'hi\n');
  assert.equal(err, 'oops\n');
  const killed = await runAttached('sh', ['-c', 'kill -TERM $$'], {
    tty: false,
    onStdout: () => undefined,
    onStderr: () => undefined,
  });
  assert.deepEqual(killed, { exitCode: undefined, signal: 'SIGTERM' });
});
