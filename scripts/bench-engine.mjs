#!/usr/bin/env node
// Engine benchmark (prints numbers, asserts nothing; run after `npm run build`, as root):
//  1. readiness -> next step: a component that gets ready at a random moment writes the instant it did;
//     the engine's next step-started event comes how long after? (median, p95, over many components)
//  2. overhead of `demystify run --headless` over the sum of the components' own start-up times, on a
//     lesson of real etcd (TLS, https probe) and containerd (unix probe), each also started by hand.
// Usage: node scripts/bench-engine.mjs [latencyRuns=6] [overheadRuns=5]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { request } from 'node:https';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'dist/src/cli/bin.js');
const { loadLesson } = await import(join(root, 'dist/src/adapters/lessons/lesson-files.js'));
const { openLessonEngine } = await import(join(root, 'dist/src/adapters/runtime/lesson-engine.js'));
const latencyRuns = Number(process.argv[2] ?? 6);
const overheadRuns = Number(process.argv[3] ?? 5);

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fmt = (xs) =>
  `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, n=${xs.length}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- 1. readiness -> next step ------------------------------------------------------------------
// The component: waits DELAY ms, listens on PORT, prints a line, and writes Date.now() to FILE at once.
const COMPONENT = `const [delay, port, file] = process.argv.slice(2);
setTimeout(() => require('net').createServer().listen(+port, '127.0.0.1', () => {
  require('fs').writeFileSync(file, String(Date.now())); console.log('component listening');
}), +delay);`;

async function latency(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'dm-bench-lat-'));
  const work = join(dir, 'work');
  writeFileSync(join(dir, 'component.js'), COMPONENT);
  const count = 8;
  const ports = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  const components = ports.map((_, i) => `  c${i}: { session: c${i} }`).join('\n');
  const steps = ports
    .map((port, i) => {
      const delay = 100 + Math.floor(Math.random() * 500);
      const ready = kind === 'tcp' ? `tcp:127.0.0.1:${port}` : 'log:/component listening/';
      return [
        `\`\`\`bash { name=c${i} session=c${i} ready="${ready}" }`,
        `node ${join(dir, 'component.js')} ${delay} ${port} ${join(dir, `ready-${i}`)}`,
        '```',
        `\`\`\`bash { name=after-${i} }`,
        'true',
        '```',
      ].join('\n');
    })
    .join('\n');
  const lessonFile = join(dir, 'lesson.md');
  writeFileSync(
    lessonFile,
    `---\nid: bench-latency\ntitle: Bench\ncomponents:\n${components}\n---\n## All {#all}\n${steps}\n`,
  );
  const { engine, runtime, plan } = await openLessonEngine(await loadLesson(lessonFile), {
    workdir: work,
    typing: 'instant',
  });
  const started = new Map();
  engine.subscribe((_, e) => {
    if (e.type === 'step-started') started.set(plan.steps[e.step].name, e.at);
  });
  engine.dispatch({ type: 'run', headless: true });
  const result = await engine.whenIdle();
  await engine.flush();
  if (result?.kind !== 'ok') {
    await runtime.cleanup();
    throw new Error(`latency run failed: ${JSON.stringify(result)} (kept ${dir})`);
  }
  const samples = [];
  for (let i = 0; i < count; i++) {
    const readyAt = Number(readFileSync(join(dir, `ready-${i}`), 'utf8'));
    samples.push(started.get(`after-${i}`) - readyAt);
  }
  await runtime.cleanup();
  rmSync(dir, { recursive: true, force: true });
  return samples;
}

for (const kind of ['tcp', 'log']) {
  const all = [];
  for (let r = 0; r < latencyRuns; r++) all.push(...(await latency(kind)));
  console.log(`ready -> next step (${kind}: probe)   ${fmt(all)}`);
}

// ---- 2. overhead of run --headless -----------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'dm-bench-ovh-'));
const certs = join(dir, 'certs');
mkdirSync(certs);
spawnSync(
  'bash',
  [
    '-c',
    `set -e; ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=ca 2>/dev/null
openssl req $ec -keyout admin-key.pem -out admin.csr -subj /CN=admin 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > ext
openssl x509 -req -in admin.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out admin.pem -days 2 -extfile ext 2>/dev/null`,
  ],
  { cwd: certs, stdio: 'inherit' },
);
const [port, peer] = [await freePort(), await freePort()];
const etcdArgs = [
  '--name',
  'bench',
  '--data-dir',
  'etcd-data',
  '--logger=zap',
  '--listen-client-urls',
  `https://127.0.0.1:${port}`,
  '--advertise-client-urls',
  `https://127.0.0.1:${port}`,
  '--listen-peer-urls',
  `http://127.0.0.1:${peer}`,
  '--initial-advertise-peer-urls',
  `http://127.0.0.1:${peer}`,
  '--initial-cluster',
  `bench=http://127.0.0.1:${peer}`,
  '--client-cert-auth',
  '--cert-file',
  'certs/admin.pem',
  '--key-file',
  'certs/admin-key.pem',
  '--trusted-ca-file',
  'certs/ca.pem',
  // A single member elects itself after a random part of the election timeout (0.1-1.1 s by default),
  // which would drown the engine's own cost in noise: short timings make etcd's start steady.
  '--heartbeat-interval=10',
  '--election-timeout=100',
];
const containerdConfig = (w) => `version = 2
root = "${w}/containerd/root"
state = "${w}/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "${w}/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "${w}/containerd/opt"
`;
function freshWorkdir(name) {
  const w = join(dir, name);
  rmSync(w, { recursive: true, force: true });
  mkdirSync(join(w, 'containerd'), { recursive: true });
  cpSync(certs, join(w, 'certs'), { recursive: true });
  writeFileSync(join(w, 'containerd', 'config.toml'), containerdConfig(w));
  return w;
}
const tls = () => ({
  ca: readFileSync(join(certs, 'ca.pem')),
  cert: readFileSync(join(certs, 'admin.pem')),
  key: readFileSync(join(certs, 'admin-key.pem')),
});
const httpsOk = (url) =>
  new Promise((resolve) => {
    const req = request(url, { ...tls(), agent: false, timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
const unixOk = (path) =>
  new Promise((resolve) => {
    const s = connect({ path });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** A component's own start-up: spawn it directly, poll every 2 ms until ready. */
async function startAlone(command, args, cwd, ready) {
  const start = performance.now();
  const child = spawn(command, args, { cwd, stdio: 'ignore' });
  while (!(await ready())) await sleep(2);
  const ms = performance.now() - start;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

const etcdAlone = [];
const containerdAlone = [];

const lesson = join(dir, 'bench.md');
writeFileSync(
  lesson,
  `---
id: bench-overhead
title: Bench overhead
tls: { ca: certs/ca.pem, cert: certs/admin.pem, key: certs/admin-key.pem }
reset: [etcd-data]
components:
  etcd: { session: etcd, ready: "https://127.0.0.1:${port}/health" }
  containerd: { session: containerd, ready: "unix:containerd/containerd.sock" }
---
## Components {#components}
\`\`\`bash { name=etcd session=etcd }
etcd ${etcdArgs.join(' ')}
\`\`\`
\`\`\`bash { name=containerd session=containerd }
containerd --config containerd/config.toml
\`\`\`
\`\`\`bash { name=done }
echo both started
\`\`\`
`,
);
const wall = [];
const inside = [];
// Interleaved, so that each measure sees the same load on a shared machine.
for (let r = 0; r < overheadRuns; r++) {
  const a = freshWorkdir('alone');
  etcdAlone.push(await startAlone('etcd', etcdArgs, a, () => httpsOk(`https://127.0.0.1:${port}/health`)));
  const socket = join(a, 'containerd', 'containerd.sock');
  containerdAlone.push(
    await startAlone('containerd', ['--config', 'containerd/config.toml'], a, () => unixOk(socket)),
  );
  // The CLI as a user runs it: Node's start, module loading, the lesson, the engine.
  let w = freshWorkdir('run');
  const start = performance.now();
  const run = spawnSync(process.execPath, [bin, 'run', lesson, '--headless', '--workdir', w], {
    encoding: 'utf8',
  });
  wall.push(performance.now() - start);
  if (run.status !== 0) throw new Error(`run failed: ${run.stdout}\n${run.stderr}`);
  spawnSync(process.execPath, [bin, 'cleanup', '--workdir', w], { stdio: 'ignore' });
  // The engine alone, in this process: from the run event (reset included) to the run's end.
  w = freshWorkdir('engine');
  const { engine, runtime } = await openLessonEngine(await loadLesson(lesson), {
    workdir: w,
    typing: 'instant',
  });
  const t0 = performance.now();
  engine.dispatch({ type: 'run', headless: true });
  const result = await engine.whenIdle();
  inside.push(performance.now() - t0);
  await engine.flush();
  await runtime.cleanup();
  if (result?.kind !== 'ok') throw new Error(`engine run failed: ${JSON.stringify(result)}`);
}
const etcdMs = quantile(etcdAlone, 0.5);
const containerdMs = quantile(containerdAlone, 0.5);
console.log(`etcd alone (spawn -> https /health 200)          ${fmt(etcdAlone)}`);
console.log(`containerd alone (spawn -> socket accepts)       ${fmt(containerdAlone)}`);
const sum = etcdMs + containerdMs;
const wallMs = quantile(wall, 0.5);
const insideMs = quantile(inside, 0.5);
console.log(`sum of the components' own start-up times        ${sum.toFixed(1)} ms`);
console.log(`run --headless, whole CLI process (wall)         ${fmt(wall)}`);
console.log(
  `  overhead: ${(wallMs - sum).toFixed(1)} ms (${(((wallMs - sum) / sum) * 100).toFixed(1)}% of the sum)`,
);
console.log(`engine only, in-process (run event -> run end)   ${fmt(inside)}`);
console.log(
  `  overhead: ${(insideMs - sum).toFixed(1)} ms (${(((insideMs - sum) / sum) * 100).toFixed(1)}% of the sum)`,
);
rmSync(dir, { recursive: true, force: true });
