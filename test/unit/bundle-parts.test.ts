import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importImages, imageRelPath, expandImageUrl } from '../../src/adapters/bundle/images.js';
import {
  DEFAULT_CONTAINERD_ADDRESS,
  lessonContainerdAddress,
  repositoryOf,
  type CtrRunner,
} from '../../src/adapters/bundle/containerd.js';
import { BUNDLE_FORMAT, isSafeBundlePath, parseManifest } from '../../src/adapters/bundle/manifest.js';

const pos = { file: 'l.md', line: 1, column: 1 };

test('image references become cache paths and import base names', () => {
  assert.equal(
    imageRelPath('registry.k8s.io/pause:3.10.2', 'amd64'),
    'images/amd64/registry.k8s.io_pause_3.10.2.oci.tar',
  );
  assert.equal(repositoryOf('registry.k8s.io/pause:3.10.2'), 'registry.k8s.io/pause');
  assert.equal(repositoryOf('localhost:5000/app'), 'localhost:5000/app');
  assert.equal(repositoryOf('docker.io/library/nginx:1.28.0-alpine@sha256:abc'), 'docker.io/library/nginx');
  assert.equal(expandImageUrl('https://m/pause-${arch}.tar', 'arm64', 'p'), 'https://m/pause-arm64.tar');
  assert.throws(() => expandImageUrl('https://m/${version}.tar', 'arm64', 'p'), /only \$\{arch\}/);
});

test("the lesson's containerd socket comes from its containerd component's unix probe", () => {
  assert.equal(lessonContainerdAddress(undefined), DEFAULT_CONTAINERD_ADDRESS);
  const components = {
    other: {
      name: 'other',
      session: 'o',
      ready: [{ kind: 'unix' as const, path: '/run/x.sock', raw: '' }],
      pos,
    },
    containerd: {
      name: 'containerd',
      session: 'c',
      ready: [{ kind: 'unix' as const, path: '/run/demystify/containerd.sock', raw: '' }],
      pos,
    },
  };
  assert.equal(lessonContainerdAddress(components), '/run/demystify/containerd.sock');
});

test('a manifest with paths or install names that leave their folders is refused', () => {
  assert.ok(isSafeBundlePath('artifacts/etcd/3.6.9/amd64/etcd.tar.gz'));
  assert.ok(!isSafeBundlePath('artifacts/../../etc/passwd'));
  assert.ok(!isSafeBundlePath('/etc/passwd'));
  assert.ok(!isSafeBundlePath('elsewhere/x'));
  const artifact = {
    name: 'x',
    version: '1',
    arch: 'amd64' as const,
    url: 'u',
    file: 'x',
    extract: { '.': 'x' },
    dest: 'bin',
    archive: false,
  };
  const manifest = (over: object) =>
    JSON.stringify({
      format: BUNDLE_FORMAT,
      lesson: 'l',
      arch: 'amd64',
      created: '',
      images: [],
      artifacts: [],
      ...over,
    });
  assert.doesNotThrow(() =>
    parseManifest(
      manifest({ artifacts: [{ artifact, path: 'artifacts/x/1/amd64/x', sha256: 'a', size: 1 }] }),
      'b.tar',
    ),
  );
  assert.throws(
    () =>
      parseManifest(
        manifest({ artifacts: [{ artifact, path: 'artifacts/../x', sha256: 'a', size: 1 }] }),
        'b.tar',
      ),
    /unsafe paths/,
  );
  assert.throws(
    () =>
      parseManifest(
        manifest({
          artifacts: [
            { artifact: { ...artifact, dest: '../../usr/bin' }, path: 'artifacts/x', sha256: 'a', size: 1 },
          ],
        }),
        'b.tar',
      ),
    /outside the work directory/,
  );
  assert.throws(() => parseManifest(manifest({ format: 'other/v9' }), 'b.tar'), /unknown bundle format/);
});

/** A fake containerd holding a set of image names. */
function fakeCtr(
  initial: string[],
  importNames: Record<string, string> = {},
): CtrRunner & { calls: string[][] } {
  const images = new Set(initial);
  const calls: string[][] = [];
  const run = (async (args: string[]) => {
    calls.push(args);
    if (args[0] === 'version') return { exitCode: 0, stdout: 'Server: 1.6', stderr: '' };
    if (args[1] === 'ls') return { exitCode: 0, stdout: [...images].join('\n'), stderr: '' };
    if (args[1] === 'import') {
      const file = args[args.length - 1]!;
      images.add(importNames[file] ?? `${args[args.indexOf('--base-name') + 1]}:imported`);
      return { exitCode: 0, stdout: '', stderr: '' };
    }
    return { exitCode: 1, stdout: '', stderr: 'unexpected' };
  }) as CtrRunner & { calls: string[][] };
  run.calls = calls;
  return run;
}

test('images already in containerd are skipped; an import must produce the reference', async () => {
  const ctr = fakeCtr(['registry.k8s.io/pause:3.10.2'], {
    '/c/nginx.tar': 'docker.io/library/nginx:1.28.0-alpine',
  });
  const report = await importImages(
    [
      { ref: 'registry.k8s.io/pause:3.10.2', path: '/c/pause.tar' },
      { ref: 'docker.io/library/nginx:1.28.0-alpine', path: '/c/nginx.tar' },
    ],
    ctr,
    'amd64',
    'native',
  );
  assert.deepEqual(report, {
    imported: ['docker.io/library/nginx:1.28.0-alpine'],
    present: ['registry.k8s.io/pause:3.10.2'],
  });
  assert.deepEqual(
    ctr.calls.find((c) => c[1] === 'import'),
    [
      'images',
      'import',
      '--base-name',
      'docker.io/library/nginx',
      '--platform',
      'linux/amd64',
      '--snapshotter',
      'native',
      '/c/nginx.tar',
    ],
  );
  const misnamed = fakeCtr([]);
  await assert.rejects(
    importImages([{ ref: 'example.test/app:1.0', path: '/c/app.tar' }], misnamed, 'amd64'),
    /containerd lists no example\.test\/app:1\.0/,
  );
  const down: CtrRunner = async () => ({ exitCode: 1, stdout: '', stderr: 'connection refused' });
  await assert.rejects(importImages([], down, 'amd64'), /containerd does not answer/);
});
