#!/usr/bin/env node
// Start-up time of the CLI: median and p95 of `demystify --help` and `demystify lint` over N runs,
// next to a bare `node -e 0` for scale. Prints numbers; asserts nothing.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 20);
function time(args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`;
}
console.log(`node -e 0             ${time(['-e', '0'])}`);
console.log(`demystify --help      ${time(['dist/src/cli/bin.js', '--help'])}`);
console.log(
  `demystify lint        ${time(['dist/src/cli/bin.js', 'lint', 'test/fixtures/lessons/minimal.md'])}`,
);
