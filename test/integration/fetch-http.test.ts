import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchArtifacts, type FetchOptions } from '../../src/adapters/fetch/fetch-artifacts.js';
import { artifactCachePath } from '../../src/adapters/fetch/cache.js';
import {
  ChecksumMismatchError,
  ChecksumSourceError,
  ConnectionRefusedError,
  HttpStatusError,
  NoNetworkError,
} from '../../src/adapters/fetch/errors.js';
import type { FetchEvent } from '../../src/adapters/fetch/events.js';
import { buildRelease, closedPort, sha256, useReleaseServer } from './fetch-server.js';

const fx = useReleaseServer('dm-fetch-');

/** A fresh cache and work directory per test. */
async function dirs(): Promise<{ cacheDir: string; workdir: string }> {
  const base = fx.nextCase();
  return { cacheDir: join(base, 'cache'), workdir: join(base, 'work') };
}

function options(
  extra: Partial<FetchOptions> & { cacheDir: string; workdir: string },
): FetchOptions & { events: FetchEvent[] } {
  const events: FetchEvent[] = [];
  return { arch: 'amd64', onEvent: (event) => events.push(event), events, ...extra };
}

async function listing(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

test('a clean fetch downloads, verifies and installs with the run bit', async () => {
  const { cacheDir, workdir } = await dirs();
  const opts = options({ cacheDir, workdir });
  const result = await fetchArtifacts(fx.release.specs, opts);
  assert.deepEqual(await listing(join(workdir, 'bin')), ['etcd', 'etcdctl', 'runc']);
  for (const name of ['etcd', 'etcdctl', 'runc']) {
    const info = await stat(join(workdir, 'bin', name));
    assert.equal(info.mode & 0o777, 0o755, name);
    assert.match(
      await readFile(join(workdir, 'bin', name), 'utf8'),
      new RegExp(`${name} fake test binary .* amd64`),
    );
  }
  assert.deepEqual(result.installed, ['etcd', 'runc']);
  assert.ok(result.artifacts.every((artifact) => artifact.downloaded));
  const verified = opts.events.filter((event) => event.kind === 'verified');
  assert.equal(verified.length, 2);
  assert.ok(opts.events.some((event) => event.kind === 'progress'));
  // No staging folders or partial files are left behind.
  assert.deepEqual(
    (await readdir(join(workdir, 'bin'), { withFileTypes: true }))
      .filter((entry) => !entry.isFile())
      .map((e) => e.name),
    [],
  );
  const cached = artifactCachePath(cacheDir, {
    name: 'etcd',
    version: '3.6.9',
    arch: 'amd64',
    file: 'etcd-v3.6.9-linux-amd64.tar.gz',
  });
  assert.equal((await readFile(`${cached}.sha256`, 'utf8')).trim(), fx.release.digests['etcd-amd64']);
  await assert.rejects(stat(`${cached}.part`));
});

test('a second fetch downloads nothing and installs nothing', async () => {
  const { cacheDir, workdir } = await dirs();
  await fetchArtifacts(fx.release.specs, options({ cacheDir, workdir }));
  const before = fx.server.requests.length;
  const opts = options({ cacheDir, workdir });
  const result = await fetchArtifacts(fx.release.specs, opts);
  assert.equal(fx.server.requests.length, before, 'no request at all on the second run');
  assert.ok(result.artifacts.every((artifact) => !artifact.downloaded));
  assert.deepEqual(result.installed, []);
  assert.deepEqual(
    opts.events.map((event) => event.kind),
    ['cached', 'cached', 'up-to-date', 'up-to-date'],
  );
  // A binary deleted from bin/ is reinstalled from the cache, still without the network.
  await rm(join(workdir, 'bin', 'etcdctl'));
  const again = await fetchArtifacts(fx.release.specs, options({ cacheDir, workdir }));
  assert.deepEqual(again.installed, ['etcd']);
  assert.equal(fx.server.requests.length, before);
});

test('a cached file damaged since it was verified is caught before installing, evicted, and fetched anew', async () => {
  const { cacheDir, workdir } = await dirs();
  const runc = fx.release.specs.filter((spec) => spec.name === 'runc');
  await fetchArtifacts(runc, options({ cacheDir, workdir }));
  const cached = artifactCachePath(cacheDir, {
    name: 'runc',
    version: '1.4.1',
    arch: 'amd64',
    file: 'runc.amd64',
  });
  await writeFile(cached, 'tampered');
  await rm(join(workdir, 'bin', 'runc'));
  await assert.rejects(fetchArtifacts(runc, options({ cacheDir, workdir })), (error: unknown) => {
    assert.ok(error instanceof ChecksumMismatchError);
    assert.match(error.message, /\(the cache\)/);
    return true;
  });
  assert.deepEqual(await listing(join(workdir, 'bin')), []);
  await assert.rejects(stat(cached));
  const again = await fetchArtifacts(runc, options({ cacheDir, workdir }));
  assert.ok(again.artifacts[0]!.downloaded);
  assert.equal(sha256(await readFile(join(workdir, 'bin', 'runc'))), fx.release.digests['runc-amd64']);
});

test('a wrong checksum deletes the download and installs nothing, naming the file and the URL', async () => {
  const { cacheDir, workdir } = await dirs();
  const sumsPath = '/etcd/v3.6.9/SHA256SUMS';
  const good = fx.server.files.get(sumsPath)!;
  fx.server.files.set(
    sumsPath,
    Buffer.from(good.toString().replace(fx.release.digests['etcd-amd64']!, '0'.repeat(64))),
  );
  try {
    const error = await fetchArtifacts(fx.release.specs, options({ cacheDir, workdir })).then(
      () => assert.fail('fetch should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ChecksumMismatchError, String(error));
    assert.equal(error.code, 'FETCH_CHECKSUM');
    assert.match(error.message, /etcd-v3\.6\.9-linux-amd64\.tar\.gz/);
    assert.ok(error.message.includes(`${fx.server.url}/etcd/v3.6.9/etcd-v3.6.9-linux-amd64.tar.gz`));
    assert.deepEqual(
      await listing(join(workdir, 'bin')),
      [],
      'runc, though verified, is not installed either',
    );
    const dir = join(cacheDir, 'artifacts', 'etcd', '3.6.9', 'amd64');
    assert.deepEqual(await listing(dir), [], 'neither the download nor a partial file stays');
  } finally {
    fx.server.files.set(sumsPath, good);
  }
});

test('a lesson pin that disagrees with the published checksum is refused before downloading', async () => {
  const { cacheDir, workdir } = await dirs();
  const specs = fx.release.specs.map((spec) =>
    spec.name === 'runc' ? { ...spec, sha256: { amd64: 'a'.repeat(64) } } : spec,
  );
  const before = fx.server.requests.filter((r) => r.path === '/runc/v1.4.1/runc.amd64').length;
  await assert.rejects(
    fetchArtifacts(specs, options({ cacheDir, workdir, concurrency: 1 })),
    (error: unknown) => {
      assert.ok(error instanceof ChecksumSourceError);
      assert.match(error.message, /runc\.amd64: the digest pinned in the lesson/);
      return true;
    },
  );
  assert.equal(fx.server.requests.filter((r) => r.path === '/runc/v1.4.1/runc.amd64').length, before);
  assert.deepEqual(await listing(join(workdir, 'bin')), []);
});

test('a download cut in the middle resumes with a Range request', async () => {
  const { cacheDir, workdir } = await dirs();
  const path = '/etcd/v3.6.9/etcd-v3.6.9-linux-amd64.tar.gz';
  fx.server.cutOnce.add(path);
  const from = fx.server.requests.length;
  const opts = options({ cacheDir, workdir });
  await fetchArtifacts(fx.release.specs, opts);
  const seen = fx.server.requests.slice(from).filter((r) => r.path === path);
  assert.equal(seen.length, 2);
  assert.equal(seen[0]!.range, undefined);
  const half = Math.floor(fx.server.files.get(path)!.length / 2);
  assert.equal(seen[1]!.range, `bytes=${half}-`);
  assert.ok(opts.events.some((event) => event.kind === 'retry' && event.offset === half));
  assert.ok(opts.events.some((event) => event.kind === 'start' && event.offset === half));
  assert.deepEqual(await listing(join(workdir, 'bin')), ['etcd', 'etcdctl', 'runc']);
});

test('a partial file left by an earlier run is resumed, and a server ignoring Range restarts cleanly', async () => {
  const { cacheDir, workdir } = await dirs();
  const path = '/runc/v1.4.1/runc.amd64';
  const body = fx.server.files.get(path)!;
  const cached = artifactCachePath(cacheDir, {
    name: 'runc',
    version: '1.4.1',
    arch: 'amd64',
    file: 'runc.amd64',
  });
  await mkdir(join(cached, '..'), { recursive: true });
  await writeFile(`${cached}.part`, body.subarray(0, 10));
  const from = fx.server.requests.length;
  await fetchArtifacts(
    fx.release.specs.filter((spec) => spec.name === 'runc'),
    options({ cacheDir, workdir }),
  );
  assert.deepEqual(
    fx.server.requests.slice(from).filter((r) => r.path === path),
    [{ path, range: 'bytes=10-' }],
  );
  assert.equal(sha256(await readFile(join(workdir, 'bin', 'runc'))), fx.release.digests['runc-amd64']);

  const other = await dirs();
  const otherCached = artifactCachePath(other.cacheDir, {
    name: 'runc',
    version: '1.4.1',
    arch: 'amd64',
    file: 'runc.amd64',
  });
  await mkdir(join(otherCached, '..'), { recursive: true });
  await writeFile(`${otherCached}.part`, 'garbage');
  fx.server.noRange.add(path);
  try {
    await fetchArtifacts(
      fx.release.specs.filter((spec) => spec.name === 'runc'),
      options(other),
    );
  } finally {
    fx.server.noRange.delete(path);
  }
  assert.equal(sha256(await readFile(join(other.workdir, 'bin', 'runc'))), fx.release.digests['runc-amd64']);
});

test('a 404 names the file and the URL and installs nothing', async () => {
  const { cacheDir, workdir } = await dirs();
  const specs = fx.release.specs.map((spec) => (spec.name === 'etcd' ? { ...spec, version: '9.9.9' } : spec));
  await assert.rejects(fetchArtifacts(specs, options({ cacheDir, workdir })), (error: unknown) => {
    assert.ok(error instanceof HttpStatusError, String(error));
    assert.equal(error.status, 404);
    assert.match(error.message, /HTTP 404/);
    assert.ok(error.message.includes(`${fx.server.url}/etcd/v9.9.9/SHA256SUMS`), error.message);
    return true;
  });
  assert.deepEqual(await listing(join(workdir, 'bin')), []);
});

test('a 404 on the download itself (checksum pinned in the lesson) names the file and the URL', async () => {
  const { cacheDir, workdir } = await dirs();
  const runc = fx.release.specs.find((spec) => spec.name === 'runc')!;
  const spec = {
    ...runc,
    url: `${fx.server.url}/runc/v\${version}/runc-missing.\${arch}`,
    sha256Url: undefined,
    sha256: { amd64: 'b'.repeat(64) },
  };
  await assert.rejects(fetchArtifacts([spec], options({ cacheDir, workdir })), (error: unknown) => {
    assert.ok(error instanceof HttpStatusError, String(error));
    assert.equal(error.file, 'runc-missing.amd64');
    assert.equal(error.url, `${fx.server.url}/runc/v1.4.1/runc-missing.amd64`);
    assert.match(error.message, /cannot download runc-missing\.amd64: HTTP 404 Not Found from http/);
    return true;
  });
  assert.deepEqual(await listing(join(workdir, 'bin')), []);
});

test('a refused connection says so, with the file and the URL', async () => {
  const { cacheDir, workdir } = await dirs();
  const port = await closedPort();
  const local = await buildRelease(`http://127.0.0.1:${port}`);
  await assert.rejects(
    fetchArtifacts(local.specs.slice(1), options({ cacheDir, workdir })),
    (error: unknown) => {
      assert.ok(error instanceof ConnectionRefusedError, String(error));
      assert.match(error.message, /runc\.amd64\.sha256: connection refused|connection refused/);
      assert.ok(error.message.includes(`127.0.0.1:${port}`));
      return true;
    },
  );
  assert.deepEqual(await listing(join(workdir, 'bin')), []);
});

test('no network (a name that does not resolve) is reported as such', async () => {
  const { cacheDir, workdir } = await dirs();
  const offline = await buildRelease('http://releases.demystify.invalid');
  await assert.rejects(
    fetchArtifacts(offline.specs.slice(1), options({ cacheDir, workdir })),
    (error: unknown) => {
      assert.ok(error instanceof NoNetworkError, String(error));
      assert.match(error.message, /no network to reach http:\/\/releases\.demystify\.invalid/);
      return true;
    },
  );
});

test('--arch arm64 downloads and installs the arm64 files', async () => {
  const { cacheDir, workdir } = await dirs();
  const from = fx.server.requests.length;
  await fetchArtifacts(fx.release.specs, options({ cacheDir, workdir, arch: 'arm64' }));
  const paths = fx.server.requests.slice(from).map((r) => r.path);
  assert.ok(paths.includes('/etcd/v3.6.9/etcd-v3.6.9-linux-arm64.tar.gz'));
  assert.ok(paths.includes('/runc/v1.4.1/runc.arm64'));
  assert.ok(!paths.some((p) => p.includes('amd64')), paths.join(' '));
  assert.match(await readFile(join(workdir, 'bin', 'etcd'), 'utf8'), /arm64/);
});

test('--mirror rewrites the origin of every URL', async () => {
  const { cacheDir, workdir } = await dirs();
  const upstream = await buildRelease('https://github.invalid/releases');
  const from = fx.server.requests.length;
  for (const [path, body] of Object.entries(upstream.files))
    fx.server.files.set(`/mirror/releases${path}`, Buffer.from(body));
  await fetchArtifacts(upstream.specs, options({ cacheDir, workdir, mirror: `${fx.server.url}/mirror/` }));
  const paths = fx.server.requests.slice(from).map((r) => r.path);
  assert.ok(paths.length >= 4);
  assert.ok(
    paths.every((p) => p.startsWith('/mirror/releases/')),
    paths.join(' '),
  );
  assert.deepEqual(await listing(join(workdir, 'bin')), ['etcd', 'etcdctl', 'runc']);
});
