#!/usr/bin/env node
// Times the PKI on the compiled code (run `npx tsc -p .` first): the simple and per-component profiles,
// each made from scratch in a fresh temp folder several times, through the library and through the CLI
// as a learner runs it; then one run with node-forge's pure JavaScript key generator, for comparison.
// Usage: node scripts/bench-pki.mjs [runs]   (default 5). Prints numbers; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const root = new URL('..', import.meta.url).pathname;
const { ensurePki } = await import(join(root, 'dist/src/adapters/pki/ensure.js'));
const forge = (await import('node-forge')).default;
const runs = Number(process.argv[2] ?? 5);

async function time(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-bench-pki-'));
  try {
    const start = performance.now();
    await fn(dir);
    return performance.now() - start;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stats(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const f = (n) => `${(n / 1000).toFixed(2)} s`;
  return `min ${f(sorted[0])}  median ${f(median)}  max ${f(sorted.at(-1))}  (${ms.length} runs)`;
}

const load = () => loadavg()[0].toFixed(1);
console.log(
  `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), RSA 2048, load ${load()}`,
);
for (const profile of ['simple', 'per-component']) {
  const lib = [];
  for (let i = 0; i < runs; i++) lib.push(await time((dir) => ensurePki({ dir, profile })));
  console.log(`${profile.padEnd(13)} library  ${stats(lib)}`);
  const cli = [];
  for (let i = 0; i < runs; i++) {
    cli.push(
      await time(async (dir) => {
        const r = spawnSync(process.execPath, [
          join(root, 'dist/src/cli/bin.js'),
          'pki',
          '--dir',
          dir,
          '--profile',
          profile,
        ]);
        if (r.status !== 0) throw new Error(r.stderr.toString());
      }),
    );
  }
  console.log(`${profile.padEnd(13)} CLI      ${stats(cli)}  (process start included)`);
}

// Reuse run: how long a second run takes to check and keep everything.
{
  const dir = mkdtempSync(join(tmpdir(), 'demystify-bench-pki-'));
  try {
    await ensurePki({ dir, profile: 'per-component' });
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await ensurePki({ dir, profile: 'per-component' });
      ms.push(performance.now() - start);
    }
    console.log(`per-component second run (all kept)  ${stats(ms)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Signing: node-forge's JavaScript RSA against Node's native RSA (what the PKI uses), 10 signatures each.
{
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const { privateKey: pem } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  const timeIt = (fn) => {
    const start = performance.now();
    for (let i = 0; i < 10; i++) fn(i);
    return (performance.now() - start).toFixed(0);
  };
  const js = timeIt((i) => forgeKey.sign(forge.md.sha256.create().update(`tbs ${i}`)));
  const native = timeIt((i) => sign('sha256', Buffer.from(`tbs ${i}`), pem));
  console.log(`10 RSA-2048 signatures: forge JavaScript ${js} ms, Node native ${native} ms`);
}

// For comparison: node-forge's own JavaScript generator (what it does without Node's native crypto).
forge.options.usePureJavaScript = true;
console.log(`simple        pure-JS  ${stats([await time((dir) => ensurePki({ dir, profile: 'simple' }))])}`);
console.log(`load average at the end: ${load()} (other work on the machine slows key generation most)`);
