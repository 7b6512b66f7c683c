import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultDownloadDeps, type DownloadDeps } from '../../src/adapters/fetch/download.js';
import { HttpStatusError } from '../../src/adapters/fetch/errors.js';
import type { FetchEvent } from '../../src/adapters/fetch/events.js';
import { fetchArtifacts } from '../../src/adapters/fetch/fetch-artifacts.js';
import { useReleaseServer } from './fetch-server.js';

// A busy release server (502/503/504) is retried with backoff; the waits are recorded, not slept.

const fx = useReleaseServer('dm-fetch-busy-');

function setup(): {
  cacheDir: string;
  workdir: string;
  events: FetchEvent[];
  waits: number[];
  deps: DownloadDeps;
} {
  const base = fx.nextCase();
  const events: FetchEvent[] = [];
  const waits: number[] = [];
  const deps: DownloadDeps = { ...defaultDownloadDeps, sleep: async (ms) => void waits.push(ms) };
  return { cacheDir: join(base, 'cache'), workdir: join(base, 'work'), events, waits, deps };
}

const TARBALL = '/etcd/v3.6.9/etcd-v3.6.9-linux-amd64.tar.gz';
const SUMS = '/etcd/v3.6.9/SHA256SUMS';

function requestsOf(path: string, from: number): number {
  return fx.server.requests.slice(from).filter((r) => r.path === path).length;
}

test('a server answering 503 twice is retried with backoff, says so, and the file is installed', async () => {
  const { cacheDir, workdir, events, waits, deps } = setup();
  fx.server.busy.set(TARBALL, { times: 2 });
  const from = fx.server.requests.length;
  await fetchArtifacts(
    fx.release.specs,
    { arch: 'amd64', cacheDir, workdir, onEvent: (e) => events.push(e) },
    deps,
  );
  assert.equal(requestsOf(TARBALL, from), 3);
  assert.deepEqual(waits, [250, 500]);
  const retries = events.filter((e) => e.kind === 'retry');
  assert.equal(retries.length, 2);
  assert.ok(
    retries.every((e) => e.kind === 'retry' && /HTTP 503/.test(e.reason)),
    JSON.stringify(retries),
  );
  assert.deepEqual((await readdir(join(workdir, 'bin'))).sort(), ['etcd', 'etcdctl', 'runc']);
});

test('a server that stays at 503 fails after every attempt with the "try again later" hint', async () => {
  const { cacheDir, workdir, waits, deps } = setup();
  fx.server.busy.set(TARBALL, { times: Infinity });
  const from = fx.server.requests.length;
  try {
    await assert.rejects(
      fetchArtifacts(fx.release.specs, { arch: 'amd64', cacheDir, workdir }, deps),
      (error) => {
        assert.ok(error instanceof HttpStatusError, String(error));
        assert.equal(error.status, 503);
        assert.match(error.hint ?? '', /try again later/);
        return true;
      },
    );
  } finally {
    fx.server.busy.delete(TARBALL);
  }
  assert.equal(requestsOf(TARBALL, from), 5);
  assert.deepEqual(waits, [250, 500, 1000, 2000]);
});

test("the server's Retry-After is honoured, capped at 30 s; the checksum file is retried too", async () => {
  const { cacheDir, workdir, waits, deps } = setup();
  fx.server.busy.set(SUMS, { times: 1, retryAfter: '7' });
  fx.server.busy.set(TARBALL, { times: 1, retryAfter: '3600' });
  await fetchArtifacts(fx.release.specs, { arch: 'amd64', cacheDir, workdir }, deps);
  assert.deepEqual(waits, [7000, 30_000]);
});
