import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from '../../src/adapters/pki/files.js';

test('writeAtomic sets the exact mode whatever the umask, and replaces a file in place', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'demystify-pki-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const old = process.umask(0o077);
  try {
    await writeAtomic(join(dir, 'cert.pem'), 'one', 0o644);
  } finally {
    process.umask(old);
  }
  assert.equal((await stat(join(dir, 'cert.pem'))).mode & 0o777, 0o644);
  await writeFile(join(dir, 'key.pem'), 'old', { mode: 0o666 });
  await writeAtomic(join(dir, 'key.pem'), 'new', 0o600);
  assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
  assert.equal(await readFile(join(dir, 'key.pem'), 'utf8'), 'new');
  assert.deepEqual((await readdir(dir)).sort(), ['cert.pem', 'key.pem']);
});

test('a failed write leaves neither a temp file nor a changed target', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'demystify-pki-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // rename() of a file over a non-empty directory fails after the temp file was written.
  await mkdir(join(dir, 'target.pem'));
  await writeFile(join(dir, 'target.pem', 'inside'), 'x');
  await assert.rejects(writeAtomic(join(dir, 'target.pem'), 'data', 0o600));
  assert.deepEqual(await readdir(dir), ['target.pem']);
  await assert.rejects(writeAtomic(join(dir, 'missing-folder', 'x.pem'), 'data', 0o600), /ENOENT/);
});
