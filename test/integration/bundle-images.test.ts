import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildBusyboxOci } from './bundle-oci.js';
import { startContainerd } from './containerd-helper.js';
import { buildRelease, startReleaseServer, bundleLesson } from './fetch-server.js';
import { BIN } from '../helpers/paths.js';

const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/containerd') && existsSync('/bin/busybox');

test(
  'a bundled OCI image is imported into containerd k8s.io, unpacked, and listed by ctr',
  { skip: !canRun && 'needs root, containerd and busybox-static' },
  async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'dm-ctrd-'));
    const server = await startReleaseServer();
    let containerd: Awaited<ReturnType<typeof startContainerd>> | undefined;
    try {
      const release = await buildRelease(server.url);
      for (const [path, body] of Object.entries(release.files)) server.files.set(path, Buffer.from(body));
      const ref = 'localhost/demystify-test/busybox:1.0';
      server.files.set('/images/busybox-amd64.oci.tar', await buildBusyboxOci({ tag: '1.0', arch: 'amd64' }));
      const lesson = join(scratch, 'images.md');
      await writeFile(
        lesson,
        bundleLesson('images-test', server.url, ref, '/images/busybox-${arch}.oci.tar'),
      );
      const env = { DEMYSTIFY_MIRROR: '', DEMYSTIFY_HOME: join(scratch, 'home') };
      const file = join(scratch, 'bundle.tar');
      const create = await execa(
        process.execPath,
        [BIN, 'bundle', 'create', file, lesson, '--cache', join(scratch, 'c1'), '--arch', 'amd64'],
        { reject: false, env },
      );
      assert.equal(create.exitCode, 0, create.stderr);
      await server.close();

      containerd = await startContainerd(join(scratch, 'ctrd'));
      const cache = join(scratch, 'c2');
      const load = await execa(
        process.execPath,
        [BIN, 'bundle', 'load', file, '--cache', cache, '--address', containerd.socket],
        { reject: false, env },
      );
      assert.equal(load.exitCode, 0, load.stderr);
      assert.match(load.stdout, new RegExp(`imported ${ref} into k8s.io`));

      const listed = await execa('ctr', ['--address', containerd.socket, '-n', 'k8s.io', 'images', 'ls']);
      assert.match(
        listed.stdout,
        new RegExp(
          `^${ref.replace(/[.]/g, '\\.')}\\s+application/vnd\\.oci\\.image\\.manifest\\.v1\\+json`,
          'm',
        ),
      );
      const defaults = await execa('ctr', [
        '--address',
        containerd.socket,
        '-n',
        'default',
        'images',
        'ls',
        '-q',
      ]);
      assert.equal(
        defaults.stdout.trim(),
        '',
        'nothing lands in the default namespace, which kubelet does not see',
      );
      const snapshots = await execa('ctr', [
        '--address',
        containerd.socket,
        '-n',
        'k8s.io',
        'snapshots',
        'ls',
      ]);
      assert.ok(
        snapshots.stdout.trim().split('\n').length >= 2,
        `unpacked for the snapshotter:\n${snapshots.stdout}`,
      );

      // The step a lesson runs once its containerd is up: the image is already there, nothing to do.
      const again = await execa(
        process.execPath,
        [BIN, 'bundle', 'images', lesson, '--cache', cache, '--address', containerd.socket],
        { reject: false, env },
      );
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`already in containerd: ${ref}`));
      // And against a containerd that is not there, a clear message.
      const down = await execa(
        process.execPath,
        [BIN, 'bundle', 'images', lesson, '--cache', cache, '--address', join(scratch, 'none.sock')],
        { reject: false, env },
      );
      assert.equal(down.exitCode, 1);
      assert.match(down.stderr, /containerd does not answer/);
    } finally {
      await server.close().catch(() => undefined);
      if (containerd) {
        const pid = containerd.process.pid!;
        containerd.process.kill('SIGTERM');
        const ended = await Promise.race([
          containerd.process,
          new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
        ]);
        if (ended === 'timeout') containerd.process.kill('SIGKILL');
        await containerd.process;
        assert.ok(!existsSync(`/proc/${pid}`), 'containerd is gone');
      }
      const mounts = await readFile('/proc/self/mountinfo', 'utf8');
      assert.ok(!mounts.includes(scratch), 'no mount left under the test directory');
      await rm(scratch, { recursive: true, force: true });
    }
  },
);
