import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildRelease, startReleaseServer, type ReleaseServer } from './fetch-server.js';
import { BIN } from '../helpers/paths.js';

let server: ReleaseServer;
let scratch: string;
let lesson: string;

/** A lesson whose artifacts live at an origin that does not exist: only a mirror reaches them. */
function lessonText(origin: string): string {
  return `---
id: fetch-cli
title: Fetch test lesson
versions: { etcd: "3.6.9", runc: "1.4.1" }
artifacts:
  - name: etcd
    version: \${versions.etcd}
    url: ${origin}/etcd/v\${version}/etcd-v\${version}-linux-\${arch}.tar.gz
    sha256Url: ${origin}/etcd/v\${version}/SHA256SUMS
    extract: { "etcd-v\${version}-linux-\${arch}/etcd": etcd, "etcd-v\${version}-linux-\${arch}/etcdctl": etcdctl }
  - name: runc
    version: \${versions.runc}
    url: ${origin}/runc/v\${version}/runc.\${arch}
    sha256Url: ${origin}/runc/v\${version}/runc.\${arch}.sha256
    extract: { ".": runc }
---

# Fetch test

## One {#one}

\`\`\`bash { name=hello }
echo hello
\`\`\`
`;
}

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dm-fetch-cli-'));
  server = await startReleaseServer();
  const release = await buildRelease('http://unused.invalid');
  for (const [path, body] of Object.entries(release.files)) server.files.set(path, Buffer.from(body));
  lesson = join(scratch, 'fetch-cli.md');
  await writeFile(lesson, lessonText('https://releases.demystify.invalid'));
});

after(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

function demystify(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { DEMYSTIFY_MIRROR: '', ...env },
    timeout: 30_000,
  });
}

test('fetch through a mirror: plain progress lines, a summary, and a second run that downloads nothing', async () => {
  const work = join(scratch, 'w1');
  const cache = join(scratch, 'c1');
  const first = await demystify([
    'fetch',
    lesson,
    '--workdir',
    work,
    '--cache',
    cache,
    '--mirror',
    server.url,
    '--arch',
    'amd64',
  ]);
  assert.equal(first.exitCode, 0, first.stderr);
  assert.match(
    first.stderr,
    /etcd-v3\.6\.9-linux-amd64\.tar\.gz \(\d+(\.\d)? (B|KiB)\): downloading from http:\/\/127\.0\.0\.1:\d+\/etcd\//,
  );
  assert.match(first.stderr, /sha256 [0-9a-f]{16}… verified/);
  assert.match(first.stderr, /installed etcd 3\.6\.9: etcd, etcdctl/);
  assert.doesNotMatch(first.stderr, /\x1b\[/);
  assert.match(first.stdout, /fetch-cli: 2 artifacts for amd64, 2 downloaded, 0 from the cache/);
  assert.deepEqual((await readdir(join(work, 'bin'))).sort(), ['etcd', 'etcdctl', 'runc']);
  const ran = await execa(join(work, 'bin', 'etcd'), ['--version']);
  assert.match(ran.stdout, /etcd fake test binary 3\.6\.9 amd64/);

  const requests = server.requests.length;
  const second = await demystify(['fetch', lesson, '--workdir', work, '--cache', cache], {
    DEMYSTIFY_MIRROR: server.url,
  });
  assert.equal(second.exitCode, 0, second.stderr);
  assert.match(second.stdout, /0 downloaded, 2 from the cache/);
  assert.match(second.stdout, /is up to date/);
  assert.equal(server.requests.length, requests);
});

test('DEMYSTIFY_MIRROR and --arch arm64 choose the mirror and the arm64 files', async () => {
  const work = join(scratch, 'w2');
  const from = server.requests.length;
  const run = await demystify(
    ['fetch', lesson, '--workdir', work, '--cache', join(scratch, 'c2'), '--arch', 'arm64'],
    {
      DEMYSTIFY_MIRROR: server.url,
    },
  );
  assert.equal(run.exitCode, 0, run.stderr);
  const paths = server.requests.slice(from).map((r) => r.path);
  assert.ok(paths.includes('/etcd/v3.6.9/etcd-v3.6.9-linux-arm64.tar.gz'), paths.join(' '));
  assert.match(await readFile(join(work, 'bin', 'runc'), 'utf8'), /arm64/);
});

test('failures end with a clear message naming the file and the URL, no stack, nothing installed', async () => {
  const work = join(scratch, 'w3');
  const offline = await demystify(['fetch', lesson, '--workdir', work, '--cache', join(scratch, 'c3')]);
  assert.equal(offline.exitCode, 1);
  assert.match(
    offline.stderr,
    /demystify: cannot download .*: no network to reach https:\/\/releases\.demystify\.invalid/,
  );
  assert.match(offline.stderr, /hint: offline\? load a bundle/);
  assert.doesNotMatch(offline.stderr, /\n\s+at /);

  const missing = await demystify([
    'fetch',
    lesson,
    '--workdir',
    work,
    '--cache',
    join(scratch, 'c3'),
    '--mirror',
    server.url,
    '--pin',
    'etcd=9.9.9',
  ]);
  assert.equal(missing.exitCode, 1);
  assert.match(
    missing.stderr,
    /SHA256SUMS \(checksums of etcd-v9\.9\.9-linux-amd64\.tar\.gz\): HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/etcd\/v9\.9\.9\/SHA256SUMS/,
  );
  await assert.rejects(readdir(join(work, 'bin')));

  const badArch = await demystify(['fetch', lesson, '--arch', 's390x', '--workdir', work]);
  assert.equal(badArch.exitCode, 2);
  assert.match(badArch.stderr, /unknown architecture "s390x"/);
  const badPin = await demystify(['fetch', lesson, '--pin', 'kubelet=1.0', '--workdir', work]);
  assert.equal(badPin.exitCode, 2);
  assert.match(badPin.stderr, /--pin names no artifact of fetch-cli: kubelet/);
});
