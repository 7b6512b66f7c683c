import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { createBundle } from '../../src/adapters/bundle/create.js';
import { loadBundle } from '../../src/adapters/bundle/load.js';
import { fetchArtifacts } from '../../src/adapters/fetch/fetch-artifacts.js';
import { DemystifyError } from '../../src/errors.js';
import type { ImageSpec } from '../../src/lesson/model.js';
import {
  buildRelease,
  sha256,
  startReleaseServer,
  type Release,
  type ReleaseServer,
  bundleLesson,
} from './fetch-server.js';
import { BIN } from '../helpers/paths.js';

let server: ReleaseServer;
let release: Release;
let scratch: string;
let images: ImageSpec[];
const pos = { file: 't.md', line: 1, column: 1 };

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dm-bundle-'));
  server = await startReleaseServer();
  release = await buildRelease(server.url);
  for (const [path, body] of Object.entries(release.files)) server.files.set(path, Buffer.from(body));
  // Stand-in bytes: this test is about files; the containerd test imports a real OCI image.
  server.files.set('/images/app-amd64.oci.tar', Buffer.from('an OCI archive for amd64\n'));
  images = [{ ref: 'example.test/demo/app:1.0', url: `${server.url}/images/app-\${arch}.oci.tar`, pos }];
});

after(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

test('a bundle made from the release server fills an empty cache and bin/ with the server stopped', async () => {
  const file = join(scratch, 'lesson.tar');
  const made = await createBundle({
    file,
    lesson: { id: 'bundle-test', artifacts: release.specs, images },
    cacheDir: join(scratch, 'online-cache'),
    arch: 'amd64',
  });
  assert.equal(made.manifest.artifacts.length, 2);
  assert.deepEqual(
    made.manifest.images.map((i) => [i.ref, i.path]),
    [['example.test/demo/app:1.0', 'images/amd64/example.test_demo_app_1.0.oci.tar']],
  );
  assert.equal(made.manifest.artifacts[0]!.sha256, release.digests['etcd-amd64']);
  assert.equal((await stat(file)).size, made.size);

  // A fresh machine: nothing in the cache, and nothing answers on the network.
  const offline = await startReleaseServer();
  const port = offline.port;
  await offline.close();
  const cacheDir = join(scratch, 'offline-cache');
  const workdir = join(scratch, 'offline-work');
  const loaded = await loadBundle({ file, cacheDir, workdir });
  assert.deepEqual(loaded.installed, ['etcd', 'runc']);
  assert.deepEqual(await listing(join(workdir, 'bin')), ['etcd', 'etcdctl', 'runc']);
  assert.equal(sha256(await readFile(join(workdir, 'bin', 'runc'))), release.digests['runc-amd64']);
  assert.equal((await stat(join(workdir, 'bin', 'etcd'))).mode & 0o111, 0o111);
  assert.equal(await readFile(loaded.images[0]!.path, 'utf8'), 'an OCI archive for amd64\n');
  assert.ok(!(await listing(cacheDir)).some((name) => name.startsWith('.incoming-')));

  // `fetch` for the same lesson now needs no network: even a mirror that refuses every connection is fine.
  const again = await fetchArtifacts(release.specs, {
    cacheDir,
    workdir,
    arch: 'amd64',
    mirror: `http://127.0.0.1:${port}`,
  });
  assert.ok(again.artifacts.every((a) => !a.downloaded));
  assert.deepEqual(again.installed, []);
});

test('a damaged bundle is refused and leaves the cache and bin/ as they were', async () => {
  const file = join(scratch, 'damaged.tar');
  await createBundle({
    file,
    lesson: { id: 'bundle-test', artifacts: release.specs, images },
    cacheDir: join(scratch, 'c2'),
    arch: 'amd64',
  });
  const bytes = await readFile(file);
  const at = bytes.indexOf('runc fake test binary');
  assert.ok(at > 0);
  bytes[at] = 'R'.charCodeAt(0);
  await writeFile(file, bytes);
  const cacheDir = join(scratch, 'c3');
  const workdir = join(scratch, 'w3');
  await assert.rejects(loadBundle({ file, cacheDir, workdir }), (error: unknown) => {
    assert.ok(error instanceof DemystifyError);
    assert.equal(error.code, 'BUNDLE_CORRUPT');
    assert.match(error.message, /damaged\.tar: artifacts\/runc\/1\.4\.1\/amd64\/runc\.amd64 is damaged/);
    return true;
  });
  assert.deepEqual(await listing(cacheDir), []);
  assert.deepEqual(await listing(workdir), []);
  await writeFile(join(scratch, 'not-a-bundle.tar'), 'hello');
  await assert.rejects(
    loadBundle({ file: join(scratch, 'not-a-bundle.tar'), cacheDir, workdir }),
    /BUNDLE|bundle/,
  );
});

test('demystify bundle create, then bundle load offline, from the command line', async () => {
  const lesson = join(scratch, 'bundle-cli.md');
  await writeFile(
    lesson,
    bundleLesson('bundle-cli', server.url, 'example.test/demo/app:1.0', '/images/app-${arch}.oci.tar'),
  );
  const file = join(scratch, 'cli.tar.gz');
  const env = { DEMYSTIFY_MIRROR: '', DEMYSTIFY_HOME: join(scratch, 'home') };
  const create = await execa(
    process.execPath,
    [BIN, 'bundle', 'create', file, lesson, '--cache', join(scratch, 'cli-c1'), '--arch', 'amd64'],
    {
      reject: false,
      env,
    },
  );
  assert.equal(create.exitCode, 0, create.stderr);
  assert.match(
    create.stdout,
    /wrote .*cli\.tar\.gz \(\d+(\.\d)? (B|KiB)\): 1 release files and 1 images of bundle-cli for amd64/,
  );
  const socket = join(scratch, 'no-containerd.sock');
  const load = await execa(
    process.execPath,
    [BIN, 'bundle', 'load', file, '--cache', join(scratch, 'cli-c2'), '--address', socket],
    {
      reject: false,
      env,
    },
  );
  assert.equal(load.exitCode, 0, load.stderr);
  assert.match(load.stdout, /loaded .*: 1 release files of bundle-cli \(amd64\)/);
  assert.match(load.stdout, /installed runc into .*home\/bundle-cli/);
  assert.match(load.stdout, /1 images kept in the cache; containerd does not answer/);
  assert.match(load.stdout, /demystify bundle images bundle-cli --address/);
  assert.deepEqual(await listing(join(scratch, 'home', 'bundle-cli', 'bin')), ['runc']);
});
