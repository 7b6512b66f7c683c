import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { DoctorCheck } from '../../src/adapters/doctor/checks.js';
import { BIN } from '../helpers/paths.js';

function lessonText(isolate: boolean): string {
  return `---
id: doctor-test
title: Doctor test
isolate: { enabled: ${isolate} }
artifacts:
  - name: etcd
    version: "3.6.9"
    url: https://releases.demystify.invalid/etcd-v\${version}-linux-\${arch}.tar.gz
    sha256Url: https://releases.demystify.invalid/SHA256SUMS
    extract: { "etcd-v\${version}-linux-\${arch}/etcd": etcd }
  - name: dm-missing-tool
    version: "1.0.0"
    url: https://releases.demystify.invalid/dm-missing-tool.\${arch}
    sha256Url: https://releases.demystify.invalid/dm-missing-tool.\${arch}.sha256
    extract: { ".": dm-missing-tool }
---

# Doctor

## One {#one}

\`\`\`bash { name=hello }
echo hello
\`\`\`
`;
}

async function doctor(
  args: string[],
): Promise<{ exitCode: number; text: string; json: { ok: boolean; checks: DoctorCheck[] } }> {
  const json = await execa(process.execPath, [BIN, 'doctor', ...args, '--json'], { reject: false });
  const text = await execa(process.execPath, [BIN, 'doctor', ...args], { reject: false });
  assert.equal(json.exitCode, text.exitCode);
  return {
    exitCode: json.exitCode ?? -1,
    text: text.stdout,
    json: JSON.parse(json.stdout) as { ok: boolean; checks: DoctorCheck[] },
  };
}

test('doctor on this machine: a missing binary and a busy port fail with a fix; fixed, they pass', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'dm-doctor-'));
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, resolve));
  const port = (busy.address() as AddressInfo).port;
  try {
    const workdir = join(scratch, 'work');
    await mkdir(join(workdir, 'bin'), { recursive: true });
    await writeFile(join(workdir, 'bin', 'etcd'), '#!/bin/sh\necho "etcd fake test binary 3.6.9"\n');
    await chmod(join(workdir, 'bin', 'etcd'), 0o755);
    const lesson = join(scratch, 'doctor.md');
    await writeFile(lesson, lessonText(false));
    const args = [lesson, '--workdir', workdir, '--cache', join(scratch, 'cache'), '--port', String(port)];

    const sick = await doctor(args);
    assert.equal(sick.exitCode, 1);
    assert.equal(sick.json.ok, false);
    const byName = new Map(sick.json.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('binary etcd')?.status, 'ok');
    const missing = byName.get('binary dm-missing-tool')!;
    assert.equal(missing.status, 'fail');
    assert.match(missing.detail, /missing: not in .*\/work\/bin\/dm-missing-tool nor on PATH/);
    assert.match(missing.fix!, /demystify fetch/);
    const ports = byName.get('ports')!;
    assert.equal(ports.status, 'fail');
    assert.match(ports.detail, new RegExp(`in use: ${port} \\(node, pid ${process.pid}\\)`));
    for (const name of [
      'tmux',
      'root or sudo',
      'swap',
      'cgroups',
      'ip_forward',
      'hostname',
      'overlayfs',
      'disk (cache)',
      'disk (workdir)',
    ]) {
      assert.ok(byName.has(name), `check ${name} is there`);
    }
    assert.equal(byName.get('tmux')?.status, 'ok', 'tmux is installed here');
    assert.match(sick.text, /^FAIL {2}binary dm-missing-tool +missing/m);
    assert.match(sick.text, /^ +fix: demystify fetch/m);
    assert.match(sick.text, /\n\d+ problems?, \d+ warnings?$/);

    // Fix both: install the tool, free the port. Those checks pass; the exit code follows the rest.
    await writeFile(join(workdir, 'bin', 'dm-missing-tool'), '#!/bin/sh\necho "dm-missing-tool 1.0.0"\n');
    await chmod(join(workdir, 'bin', 'dm-missing-tool'), 0o755);
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    const healed = await doctor(args);
    const after = new Map(healed.json.checks.map((c) => [c.name, c]));
    assert.equal(after.get('binary dm-missing-tool')?.status, 'ok');
    assert.equal(after.get('ports')?.status, 'ok');
    assert.equal(
      healed.json.ok,
      healed.json.checks.every((c) => c.status !== 'fail'),
    );
    assert.equal(healed.exitCode, healed.json.ok ? 0 : 1);
    if (healed.json.ok) assert.match(healed.text, /all is well/);

    // A broken binary (here: not an executable format) is found by running it.
    await writeFile(join(workdir, 'bin', 'etcd'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]));
    const broken = await doctor(args);
    const etcd = broken.json.checks.find((c) => c.name === 'binary etcd')!;
    assert.equal(etcd.status, 'fail');
    assert.match(etcd.detail, /does not run/);
    assert.equal(broken.exitCode, 1);
  } finally {
    busy.close();
    await rm(scratch, { recursive: true, force: true });
  }
});
