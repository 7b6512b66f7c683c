#!/usr/bin/env node
// Cost of isolation (root only): creating and removing a lesson's namespace, one network probe attempt
// inside it (long-lived agent vs a process per attempt vs no namespace), and how long etcd takes to be
// seen ready by `demystify run` with and without --isolate. Everything happens inside namespaces this
// script creates to play the host and removes at the end; the machine's own network is never touched.
// Prints numbers; asserts nothing. Usage: node scripts/bench-isolation.mjs [runs]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = new URL('..', import.meta.url).pathname;
const dist = (p) => join(root, 'dist/src', p);
const { ensureIsolation, removeIsolation } = await import(dist('adapters/isolation/isolation.js'));
const { hostCommands } = await import(dist('adapters/isolation/host-commands.js'));
const { ProbeAgent } = await import(dist('adapters/isolation/probe-agent.js'));
const { probeNetwork } = await import(dist('adapters/probes/probes.js'));
const runs = Number(process.argv[2] ?? 10);
const id = `${process.pid}`;
const created = [];

function ip(...args) {
  execFileSync('ip', args, { stdio: 'ignore' });
}
function newHost(name) {
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  created.push(name);
  return ['nsenter', `--net=/run/netns/${name}`];
}
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms (n=${s.length})`;
}
async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const hostPrefix = newHost(`dmb-host-${id}`);
const deps = { host: hostCommands({ prefix: hostPrefix }), netnsDir: '/run/netns' };
const scratch = mkdtempSync(join(tmpdir(), 'dm-bench-iso-'));
try {
  // 1. Namespace set-up and removal.
  const up = [];
  const down = [];
  for (let i = 0; i < runs; i++) {
    const dir = join(scratch, `w${i}`);
    up.push(await timed(() => ensureIsolation(dir, {}, deps)));
    down.push(await timed(() => removeIsolation(dir, deps)));
  }
  console.log(`create namespace+veth     ${stats(up)}`);
  console.log(`remove (cleanup)          ${stats(down)}`);

  // 2. One tcp probe attempt on a listener inside the namespace.
  const dir = join(scratch, 'probe');
  const record = await ensureIsolation(dir, {}, deps);
  const prefix = ['nsenter', `--net=${record.netnsPath}`];
  const serve = "require('net').createServer((s) => s.end()).listen(2379, '127.0.0.1')";
  const listener = spawn(prefix[0], [...prefix.slice(1), process.execPath, '-e', serve], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const probe = { kind: 'tcp', host: '127.0.0.1', port: 2379, raw: 'tcp:127.0.0.1:2379' };
  const agent = new ProbeAgent(prefix);
  const first = await timed(() => agent.probe(probe, { workdir: dir, timeoutMs: 2000 }));
  const steady = [];
  for (let i = 0; i < runs * 10; i++)
    steady.push(await timed(() => agent.probe(probe, { workdir: dir, timeoutMs: 2000 })));
  agent.close();
  const perProcess = [];
  const main = join(root, 'scripts/probe-main.mjs');
  const input = JSON.stringify({ probe, workdir: dir, timeoutMs: 2000 });
  for (let i = 0; i < runs; i++) {
    perProcess.push(
      await timed(async () => spawnSync(prefix[0], [...prefix.slice(1), process.execPath, main, input])),
    );
  }
  const direct = [];
  const server = createServer((socket) => socket.end());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const local = { ...probe, port: server.address().port };
  for (let i = 0; i < runs * 10; i++)
    direct.push(await timed(() => probeNetwork(local, { workdir: dir, timeoutMs: 2000 })));
  server.close();
  listener.kill();
  console.log(`probe via agent, first    ${first.toFixed(1)} ms (starts the agent)`);
  console.log(`probe via agent, next     ${stats(steady)}`);
  console.log(`probe, process per try    ${stats(perProcess)}`);
  console.log(`probe, no namespace       ${stats(direct)} (in this process, for scale)`);
  await removeIsolation(dir, deps);

  // 3. etcd seen ready by `demystify run` (the fixture's etcd step), plain vs --isolate.
  // The fixture without its first chapter, which checks the node address only isolation gives.
  const fixture = join(scratch, 'etcd.md');
  const text = readFileSync(join(root, 'test/fixtures/lessons/isolation.md'), 'utf8');
  writeFileSync(fixture, text.slice(0, text.indexOf('## The node')) + text.slice(text.indexOf('## etcd')));
  const etcdStep = (args, prefixToUse, home) => {
    const out = spawnSync(
      prefixToUse[0],
      [
        ...prefixToUse.slice(1),
        process.execPath,
        dist('cli/bin.js'),
        'run',
        fixture,
        '--to',
        'etcd',
        '--json',
        ...args,
      ],
      {
        env: { ...process.env, DEMYSTIFY_HOME: home },
        encoding: 'utf8',
      },
    );
    const line = out.stdout
      .split('\n')
      .find((l) => l.includes('"step":"etcd"') && l.includes('step-finished'));
    spawnSync(
      prefixToUse[0],
      [...prefixToUse.slice(1), process.execPath, dist('cli/bin.js'), 'cleanup', 'isolation-fixture'],
      {
        env: { ...process.env, DEMYSTIFY_HOME: home },
      },
    );
    return line ? JSON.parse(line).outcome.durationMs : NaN;
  };
  const plain = [];
  const isolated = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    // The plain run needs its own host too: etcd on 2379 must not meet anything else's.
    const plainHost = newHost(`dmb-plain-${id}-${i}`);
    plain.push(etcdStep([], plainHost, join(scratch, `plain${i}`)));
    isolated.push(etcdStep(['--isolate'], hostPrefix, join(scratch, `iso${i}`)));
  }
  console.log(`etcd step, no isolation   ${stats(plain)}`);
  console.log(`etcd step, --isolate      ${stats(isolated)}`);
} finally {
  for (const name of created.reverse()) spawnSync('ip', ['netns', 'delete', name]);
  rmSync(scratch, { recursive: true, force: true });
}
