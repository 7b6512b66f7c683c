import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectArch, parseArch } from '../../src/adapters/fetch/arch.js';
import {
  applyMirror,
  mirrorFrom,
  normaliseEntry,
  resolveArtifact,
} from '../../src/adapters/fetch/resolve.js';
import type { ArtifactSpec } from '../../src/lesson/model.js';
import { DemystifyError, UsageError } from '../../src/errors.js';

const pos = { file: 'l.md', line: 1, column: 1 };
const etcd: ArtifactSpec = {
  name: 'etcd',
  version: '3.6.9',
  url: 'https://github.com/etcd-io/etcd/releases/download/v${version}/etcd-v${version}-linux-${arch}.tar.gz',
  sha256Url: 'https://github.com/etcd-io/etcd/releases/download/v${version}/SHA256SUMS',
  sha256: { amd64: 'A'.repeat(64) },
  extract: { './etcd-v${version}-linux-${arch}/etcd': 'etcd' },
  pos,
};

test('the architecture comes from the machine, in release naming, and can be overridden', () => {
  assert.equal(detectArch('x64'), 'amd64');
  assert.equal(detectArch('arm64'), 'arm64');
  assert.throws(() => detectArch('ia32'), UsageError);
  assert.equal(parseArch(undefined, 'x64'), 'amd64');
  assert.equal(parseArch('arm64', 'x64'), 'arm64');
  assert.equal(parseArch('x64', 'arm64'), 'amd64');
  assert.throws(() => parseArch('riscv64'), /unknown architecture "riscv64"/);
});

test('templates resolve for the chosen arch, extract keys included', () => {
  const amd = resolveArtifact(etcd, { arch: 'amd64' });
  assert.equal(
    amd.url,
    'https://github.com/etcd-io/etcd/releases/download/v3.6.9/etcd-v3.6.9-linux-amd64.tar.gz',
  );
  assert.equal(amd.file, 'etcd-v3.6.9-linux-amd64.tar.gz');
  assert.equal(amd.pinned, 'a'.repeat(64));
  assert.deepEqual(amd.extract, { 'etcd-v3.6.9-linux-amd64/etcd': 'etcd' });
  assert.equal(amd.archive, true);
  assert.equal(amd.dest, 'bin');
  const arm = resolveArtifact(etcd, { arch: 'arm64' });
  assert.equal(
    arm.url,
    'https://github.com/etcd-io/etcd/releases/download/v3.6.9/etcd-v3.6.9-linux-arm64.tar.gz',
  );
  assert.equal(arm.pinned, undefined, 'a pin for amd64 says nothing about arm64');
});

test('a version override drops the pins, which belong to the lesson version', () => {
  const resolved = resolveArtifact(etcd, { arch: 'amd64', versions: { etcd: '3.6.8' } });
  assert.equal(resolved.version, '3.6.8');
  assert.match(resolved.url, /v3\.6\.8\/etcd-v3\.6\.8-linux-amd64/);
  assert.equal(resolved.pinned, undefined);
  const pinnedOnly = { ...etcd, sha256Url: undefined };
  assert.throws(
    () => resolveArtifact(pinnedOnly, { arch: 'amd64', versions: { etcd: '3.6.8' } }),
    (error: unknown) =>
      error instanceof DemystifyError &&
      /no checksum/.test(error.message) &&
      /sha256Url/.test(error.hint ?? ''),
  );
});

test('lesson mistakes are caught before any download', () => {
  assert.throws(
    () => resolveArtifact({ ...etcd, url: 'https://x/${os}/etcd' }, { arch: 'amd64' }),
    /unknown placeholder \$\{os\}/,
  );
  assert.throws(
    () => resolveArtifact({ ...etcd, sha256: { amd64: 'xyz' } }, { arch: 'amd64' }),
    /not a sha256/,
  );
  assert.throws(
    () =>
      resolveArtifact(
        { ...etcd, url: 'https://x/runc.${arch}', extract: { 'a/runc': 'runc' } },
        { arch: 'amd64' },
      ),
    /not an archive/,
  );
  assert.throws(
    () => resolveArtifact({ ...etcd, extract: { '.': '../evil' } }, { arch: 'amd64' }),
    /plain file name/,
  );
  assert.throws(
    () => resolveArtifact({ ...etcd, dest: '../../etc' }, { arch: 'amd64' }),
    /inside the work directory/,
  );
});

test('a mirror replaces the origin and keeps the path, with its own prefix in front', () => {
  const url = 'https://dl.k8s.io/release/v1.36.0/bin/linux/amd64/kubelet?x=1';
  assert.equal(applyMirror(url, undefined), url);
  assert.equal(
    applyMirror(url, 'http://10.0.0.5:8080'),
    'http://10.0.0.5:8080/release/v1.36.0/bin/linux/amd64/kubelet?x=1',
  );
  assert.equal(
    applyMirror(url, 'http://m.local/k8s/'),
    'http://m.local/k8s/release/v1.36.0/bin/linux/amd64/kubelet?x=1',
  );
  assert.throws(() => applyMirror(url, 'not a url'), UsageError);
  const resolved = resolveArtifact(etcd, { arch: 'amd64', mirror: 'http://m:1' });
  assert.equal(
    resolved.url,
    'http://m:1/etcd-io/etcd/releases/download/v3.6.9/etcd-v3.6.9-linux-amd64.tar.gz',
  );
  assert.equal(resolved.sha256Url, 'http://m:1/etcd-io/etcd/releases/download/v3.6.9/SHA256SUMS');
  assert.equal(resolved.file, 'etcd-v3.6.9-linux-amd64.tar.gz');
});

test('the mirror comes from --mirror, else DEMYSTIFY_MIRROR', () => {
  assert.equal(mirrorFrom('http://a', { DEMYSTIFY_MIRROR: 'http://b' }), 'http://a');
  assert.equal(mirrorFrom(undefined, { DEMYSTIFY_MIRROR: 'http://b' }), 'http://b');
  assert.equal(mirrorFrom(undefined, { DEMYSTIFY_MIRROR: ' ' }), undefined);
  assert.equal(mirrorFrom(undefined, {}), undefined);
});

test('archive entries compare without leading ./ or /', () => {
  assert.equal(normaliseEntry('./bridge'), 'bridge');
  assert.equal(normaliseEntry('/kubernetes/server/bin/kubelet'), 'kubernetes/server/bin/kubelet');
  assert.equal(normaliseEntry('bin/'), 'bin');
  assert.equal(normaliseEntry('.'), '.');
});
