import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { BIN, demystify, tempDir } from './pki-helpers.js';

// `kubeconfig --out` given a FIFO or a character device writes into it and leaves it what it was (it once
// replaced /dev/null with a 0600 file). The FIFO and the device are the test's own, in a temp folder
// (mkfifo, mknod): never a real device.

/** Run the CLI; never throws. */
async function cli(args: string[], cwd?: string) {
  const result = await execa(process.execPath, [BIN, ...args], { reject: false, ...(cwd ? { cwd } : {}) });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function certsIn(t: Parameters<typeof tempDir>[0]): Promise<{ work: string; certs: string }> {
  const work = await tempDir(t, 'demystify-kubeconfig-out-');
  const certs = join(work, 'certs');
  await demystify(['pki', '--dir', certs]);
  return { work, certs };
}

test('kubeconfig --out FIFO: a reader gets the YAML, the FIFO stays a FIFO', async (t) => {
  const { work, certs } = await certsIn(t);
  const fifo = join(work, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const [read, run] = await Promise.all([
    readFile(fifo, 'utf8'),
    cli(['kubeconfig', '--dir', certs, '--name', 'admin', '--out', fifo]),
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `written ${fifo}  (user admin)`);
  assert.equal((load(read) as { kind: string }).kind, 'Config');
  assert.ok((await lstat(fifo)).isFIFO(), 'still a FIFO');
  assert.deepEqual((await readdir(work)).sort(), ['certs', 'pipe'], 'no temp file left');
});

test('kubeconfig --out a character device (mknod in a temp folder): it stays that device', async (t) => {
  const { work, certs } = await certsIn(t);
  const device = join(work, 'null');
  try {
    execFileSync('mknod', [device, 'c', '1', '3'], { stdio: 'ignore' });
  } catch {
    return t.skip('mknod needs root');
  }
  const before = await lstat(device);
  for (let i = 0; i < 2; i++) {
    // Twice: the second run must not read the device to compare (nor find a file there to keep).
    const run = await cli(['kubeconfig', '--dir', certs, '--name', 'admin', '--out', device]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `written ${device}  (user admin)`);
  }
  const after = await lstat(device);
  assert.ok(after.isCharacterDevice(), 'still a character device');
  assert.deepEqual([after.rdev, after.mode, after.uid], [before.rdev, before.mode, before.uid]);
  assert.deepEqual((await readdir(work)).sort(), ['certs', 'null'], 'no temp file left');
});

test('kubeconfig --out - prints the YAML and writes no file; --all with --out - is a usage error', async (t) => {
  const { work, certs } = await certsIn(t);
  const run = await cli(['kubeconfig', '--dir', certs, '--name', 'admin', '--out', '-'], work);
  assert.equal(run.code, 0, run.stderr);
  const config = load(run.stdout) as { kind: string; 'current-context': string };
  assert.deepEqual([config.kind, config['current-context']], ['Config', 'admin']);
  assert.ok(!existsSync(join(work, '-')) && !existsSync(join(work, 'admin.conf')), 'no file written');
  const all = await cli(['kubeconfig', '--all', '--dir', certs, '--out', '-'], work);
  assert.equal(all.code, 2);
  assert.match(all.stderr, /--out -/);
});

test('kubeconfig --out a directory: refused with a hint, nothing written', async (t) => {
  const { work, certs } = await certsIn(t);
  const folder = join(work, 'configs');
  await mkdir(folder);
  const run = await cli(['kubeconfig', '--dir', certs, '--name', 'admin', '--out', folder]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /configs is a directory/);
  assert.match(run.stderr, /hint: /);
  assert.ok(!run.stderr.includes('    at '), 'no stack trace');
  assert.deepEqual(await readdir(folder), []);
  assert.deepEqual((await readdir(work)).sort(), ['certs', 'configs']);
});
