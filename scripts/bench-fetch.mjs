#!/usr/bin/env node
// Times fetch and bundles on the compiled code (run `npx tsc -p .` first), against a local HTTP server
// started here (so the figures are demystify's own cost, not the network's): a cold fetch (download,
// sha256, extract, install), a second fetch (nothing to do), a reinstall from the cache, then bundle
// create and bundle load of the same files.
// Usage: node scripts/bench-fetch.mjs [MiB] [runs]   (defaults 256 and 3). Prints numbers; asserts nothing.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = new URL('..', import.meta.url).pathname;
const { startReleaseServer, buildTarball } = await import(
  join(root, 'dist/test/integration/fetch-server.js')
);
const { fetchArtifacts } = await import(join(root, 'dist/src/adapters/fetch/fetch-artifacts.js'));
const { createBundle } = await import(join(root, 'dist/src/adapters/bundle/create.js'));
const { loadBundle } = await import(join(root, 'dist/src/adapters/bundle/load.js'));

const mib = Number(process.argv[2] ?? 256);
const runs = Number(process.argv[3] ?? 3);
const sha = (data) => createHash('sha256').update(data).digest('hex');

// One large plain binary (like kube-apiserver) and a tarball of three smaller ones (like etcd's).
const big = randomBytes(mib * 1024 * 1024);
const small = Math.max(1, Math.floor(mib / 8));
const tarball = await buildTarball(
  Object.fromEntries(
    ['a', 'b', 'c'].map((n) => [`pkg/${n}`, randomBytes(small * 1024 * 1024).toString('base64')]),
  ),
);
const server = await startReleaseServer({
  '/big': big,
  '/big.sha256': `${sha(big)}\n`,
  '/pkg.tar.gz': tarball,
  '/SHA256SUMS': `${sha(tarball)}  pkg.tar.gz\n`,
});
const pos = { file: 'bench', line: 1, column: 1 };
const specs = [
  {
    name: 'big',
    version: '1',
    url: `${server.url}/big`,
    sha256Url: `${server.url}/big.sha256`,
    extract: { '.': 'big' },
    pos,
  },
  {
    name: 'pkg',
    version: '1',
    url: `${server.url}/pkg.tar.gz`,
    sha256Url: `${server.url}/SHA256SUMS`,
    extract: { 'pkg/a': 'a', 'pkg/b': 'b', 'pkg/c': 'c' },
    pos,
  },
];
const totalMiB = (big.length + tarball.length) / 1024 ** 2;

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const results = { cold: [], warm: [], reinstall: [], create: [], load: [] };
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-bench-fetch-'));
  try {
    const opts = { cacheDir: join(dir, 'cache'), workdir: join(dir, 'work'), arch: 'amd64' };
    results.cold.push(await timed(() => fetchArtifacts(specs, opts)));
    results.warm.push(await timed(() => fetchArtifacts(specs, opts)));
    rmSync(join(dir, 'work'), { recursive: true });
    results.reinstall.push(await timed(() => fetchArtifacts(specs, opts)));
    const file = join(dir, 'bundle.tar');
    const lesson = { id: 'bench', artifacts: specs, images: [] };
    results.create.push(
      await timed(() => createBundle({ file, lesson, cacheDir: opts.cacheDir, arch: 'amd64' })),
    );
    results.load.push(
      await timed(() => loadBundle({ file, cacheDir: join(dir, 'cache2'), workdir: join(dir, 'work2') })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
await server.close();

const median = (ms) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
console.log(
  `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load ${loadavg()[0].toFixed(1)}`,
);
console.log(
  `files: ${totalMiB.toFixed(0)} MiB in 2 artifacts (one plain binary, one tar.gz of 3), ${runs} runs, medians:`,
);
for (const [name, ms] of Object.entries(results)) {
  const m = median(ms);
  const rate = name === 'warm' ? '' : `  (${(totalMiB / (m / 1000)).toFixed(0)} MiB/s)`;
  console.log(`  ${name.padEnd(10)} ${(m / 1000).toFixed(2)} s${rate}`);
}
