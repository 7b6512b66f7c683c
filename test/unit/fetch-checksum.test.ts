import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedDigest, parseChecksumFile } from '../../src/adapters/fetch/checksum.js';
import { ChecksumSourceError, HttpStatusError } from '../../src/adapters/fetch/errors.js';
import { resolveArtifact } from '../../src/adapters/fetch/resolve.js';
import type { FetchLike } from '../../src/adapters/fetch/http.js';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);

test('checksum files in the shapes releases publish', () => {
  // SHA256SUMS (etcd): many lines, two spaces.
  assert.equal(
    parseChecksumFile(
      `${a}  etcd-v3.6.9-linux-arm64.tar.gz\n${b}  etcd-v3.6.9-linux-amd64.tar.gz\n`,
      'etcd-v3.6.9-linux-amd64.tar.gz',
    ),
    b,
  );
  // sha256sum binary mode and a directory in the name (runc.sha256sum, CNI .sha256).
  assert.equal(parseChecksumFile(`${a} *runc.amd64\n${b} *runc.arm64\n`, 'runc.arm64'), b);
  assert.equal(
    parseChecksumFile(
      `${a.toUpperCase()}  ./dist/cni-plugins-linux-amd64-v1.9.1.tgz`,
      'cni-plugins-linux-amd64-v1.9.1.tgz',
    ),
    a,
  );
  // dl.k8s.io's .sha256: the bare digest.
  assert.equal(parseChecksumFile(`${a}`, 'kubelet'), a);
  assert.equal(parseChecksumFile(`${a}\r\n`, 'kubelet'), a);
  // Not listed, or ambiguous: no answer rather than a wrong one.
  assert.equal(parseChecksumFile(`${a}  other.tar.gz\n`, 'etcd.tar.gz'), undefined);
  assert.equal(parseChecksumFile(`${a}\n${b}\n`, 'kubelet'), undefined);
  assert.equal(parseChecksumFile('<html>rate limited</html>', 'kubelet'), undefined);
});

const pos = { file: 'l.md', line: 1, column: 1 };
const spec = {
  name: 'runc',
  version: '1.4.1',
  url: 'https://r/v${version}/runc.${arch}',
  sha256Url: 'https://r/v${version}/runc.sha256sum',
  extract: { '.': 'runc' },
  pos,
};

function serving(text: string, status = 200): FetchLike & { urls: string[] } {
  const urls: string[] = [];
  const fetch = (async (url: string) => {
    urls.push(url);
    return new Response(text, { status });
  }) as FetchLike & { urls: string[] };
  fetch.urls = urls;
  return fetch;
}

test('the expected digest comes from the published file, the pin, or both when they agree', async () => {
  const published = serving(`${a}  runc.amd64\n`);
  assert.deepEqual(await expectedDigest(resolveArtifact(spec, { arch: 'amd64' }), published), {
    sha256: a,
    source: 'https://r/v1.4.1/runc.sha256sum',
  });
  const pinnedOnly = resolveArtifact(
    { ...spec, sha256Url: undefined, sha256: { amd64: b } },
    { arch: 'amd64' },
  );
  const none = serving('');
  assert.deepEqual(await expectedDigest(pinnedOnly, none), { sha256: b, source: 'pinned in the lesson' });
  assert.deepEqual(none.urls, [], 'a pin alone needs no network');
  const both = resolveArtifact({ ...spec, sha256: { amd64: a } }, { arch: 'amd64' });
  assert.match((await expectedDigest(both, published)).source, /and pinned in the lesson/);
});

test('a disagreement, a missing entry or a missing checksum file is an error', async () => {
  const disagree = resolveArtifact({ ...spec, sha256: { amd64: b } }, { arch: 'amd64' });
  await assert.rejects(expectedDigest(disagree, serving(`${a}  runc.amd64\n`)), ChecksumSourceError);
  await assert.rejects(
    expectedDigest(resolveArtifact(spec, { arch: 'arm64' }), serving(`${a}  runc.amd64\n`)),
    /lists no sha256 for runc\.arm64/,
  );
  await assert.rejects(
    expectedDigest(resolveArtifact(spec, { arch: 'amd64' }), serving('gone', 404)),
    HttpStatusError,
  );
});
