// Test helpers for fetch and bundle tests: a local HTTP release server and release files built on the fly.
import { after, before } from 'node:test';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { c as createTar } from 'tar';
import type { ArtifactSpec } from '../../src/lesson/model.js';

/** A request the server saw. */
export interface SeenRequest {
  path: string;
  range?: string;
}

/** A local release server: files by URL path, Range support, and ways to misbehave on purpose. */
export interface ReleaseServer {
  url: string;
  port: number;
  files: Map<string, Buffer>;
  requests: SeenRequest[];
  /** Paths whose next GET sends half the body and then cuts the connection. */
  cutOnce: Set<string>;
  /** Paths whose GET ignores the Range header (answers 200 with the whole file). */
  noRange: Set<string>;
  /**
   * Paths answered `503 Service Unavailable` (with `retryAfter` as Retry-After, if set) for their next
   * `times` GETs (Infinity: always), as a busy release server would.
   */
  busy: Map<string, { times: number; retryAfter?: string }>;
  close: () => Promise<void>;
}

/** Start a release server on a free port of 127.0.0.1. */
export async function startReleaseServer(
  files: Record<string, Buffer | string> = {},
): Promise<ReleaseServer> {
  const state = {
    files: new Map(Object.entries(files).map(([path, body]) => [path, Buffer.from(body)])),
    requests: [] as SeenRequest[],
    cutOnce: new Set<string>(),
    noRange: new Set<string>(),
    busy: new Map<string, { times: number; retryAfter?: string }>(),
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    state.requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const busy = state.busy.get(path);
    if (busy && busy.times > 0) {
      busy.times--;
      res.writeHead(503, busy.retryAfter ? { 'retry-after': busy.retryAfter } : {}).end('busy');
      return;
    }
    const body = state.files.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !state.noRange.has(path)) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'accept-ranges': 'bytes',
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    if (state.cutOnce.delete(path)) {
      // Send half, make sure it left, then break the connection as a flaky Wi-Fi would.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () =>
        setTimeout(() => req.socket.destroy(), 20),
      );
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ...state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Hex sha256 of a buffer. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A fake release binary: a shell script answering `--version` (never presented as the real thing). */
export function fakeBinary(name: string, version: string, arch: string): string {
  return `#!/bin/sh\necho "${name} fake test binary ${version} ${arch}"\n`;
}

/** Build a gzipped tarball holding `entries` (path → content) and return its bytes. */
export async function buildTarball(entries: Record<string, string>, gzip = true): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-tarball-'));
  try {
    for (const [path, content] of Object.entries(entries)) {
      await mkdir(dirname(join(dir, 'root', path)), { recursive: true });
      await writeFile(join(dir, 'root', path), content);
      await chmod(join(dir, 'root', path), 0o755);
    }
    const file = join(dir, 'out.tar');
    await createTar({ gzip, file, cwd: join(dir, 'root'), portable: true }, Object.keys(entries));
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A small release set: an etcd-like tarball with two binaries and a plain runc-like binary, for both arches. */
export interface Release {
  files: Record<string, Buffer | string>;
  specs: ArtifactSpec[];
  digests: Record<string, string>;
}

const pos = { file: 'test.md', line: 1, column: 1 };

/** Build the release files (tarballs, SHA256SUMS, .sha256) and the lesson's artifact specs pointing at `origin`. */
export async function buildRelease(origin: string, version = '3.6.9'): Promise<Release> {
  const files: Record<string, Buffer | string> = {};
  const digests: Record<string, string> = {};
  const sums: string[] = [];
  for (const arch of ['amd64', 'arm64']) {
    const dir = `etcd-v${version}-linux-${arch}`;
    const tarball = await buildTarball({
      [`${dir}/etcd`]: fakeBinary('etcd', version, arch),
      [`${dir}/etcdctl`]: fakeBinary('etcdctl', version, arch),
      [`${dir}/README.md`]: 'docs\n',
    });
    files[`/etcd/v${version}/${dir}.tar.gz`] = tarball;
    digests[`etcd-${arch}`] = sha256(tarball);
    sums.push(`${sha256(tarball)}  ${dir}.tar.gz`);
    const runc = Buffer.from(fakeBinary('runc', '1.4.1', arch));
    files[`/runc/v1.4.1/runc.${arch}`] = runc;
    files[`/runc/v1.4.1/runc.${arch}.sha256`] = `${sha256(runc)}\n`;
    digests[`runc-${arch}`] = sha256(runc);
  }
  files[`/etcd/v${version}/SHA256SUMS`] = `${sums.join('\n')}\n`;
  const specs: ArtifactSpec[] = [
    {
      name: 'etcd',
      version,
      url: `${origin}/etcd/v\${version}/etcd-v\${version}-linux-\${arch}.tar.gz`,
      sha256Url: `${origin}/etcd/v\${version}/SHA256SUMS`,
      extract: {
        'etcd-v${version}-linux-${arch}/etcd': 'etcd',
        'etcd-v${version}-linux-${arch}/etcdctl': 'etcdctl',
      },
      pos,
    },
    {
      name: 'runc',
      version: '1.4.1',
      url: `${origin}/runc/v\${version}/runc.\${arch}`,
      sha256Url: `${origin}/runc/v\${version}/runc.\${arch}.sha256`,
      extract: { '.': 'runc' },
      pos,
    },
  ];
  return { files, specs, digests };
}

/**
 * A one-chapter lesson whose only artifact is the test release's runc and whose only image is an OCI
 * archive served at `imagePath` (a template with `${arch}`), for the bundle tests.
 */
export function bundleLesson(id: string, origin: string, imageRef: string, imagePath: string): string {
  return `---
id: ${id}
title: Bundle test ${id}
artifacts:
  - name: runc
    version: "1.4.1"
    url: ${origin}/runc/v\${version}/runc.\${arch}
    sha256Url: ${origin}/runc/v\${version}/runc.\${arch}.sha256
    extract: { ".": runc }
images:
  - ref: ${imageRef}
    url: ${origin}${imagePath}
---

# Bundle

## One {#one}

\`\`\`bash { name=hello }
echo hello
\`\`\`
`;
}

/** A whole test file's release server, serving a release built for it, and its scratch folder. */
export interface ReleaseFixture {
  server: ReleaseServer;
  release: Release;
  scratch: string;
  /** A fresh folder in the scratch folder for one test case. */
  nextCase(): string;
}

/** Start the server before the file's tests and end it (and remove the scratch folder) after them. */
export function useReleaseServer(prefix: string): ReleaseFixture {
  let cases = 0;
  const fixture = { nextCase: () => join(fixture.scratch, `case-${++cases}`) } as ReleaseFixture;
  before(async () => {
    fixture.scratch = await mkdtemp(join(tmpdir(), prefix));
    fixture.server = await startReleaseServer();
    fixture.release = await buildRelease(fixture.server.url);
    for (const [path, body] of Object.entries(fixture.release.files))
      fixture.server.files.set(path, Buffer.from(body));
  });
  after(async () => {
    await fixture.server.close();
    await rm(fixture.scratch, { recursive: true, force: true });
  });
  return fixture;
}
