#!/usr/bin/env node
// How the presenter holds up while a session floods its output (kube-apiserver at -v=9 is the real
// case): the presenter runs in a private tmux server with the etcd fixture lesson, its terminal pane
// on the lesson's shell, where `base64 -w 160 /dev/urandom` prints as fast as it can. Prints the
// presenter's CPU and RSS idle and during the flood (base64, then `yes`: many short lines), what the
// flood pushes through tmux, and how long a key takes to show on screen, idle and flooding. Needs a
// build (npm run build).
//   node scripts/bench-presenter.mjs [SECONDS]   (default 15 s per phase)
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const seconds = Number(process.argv[2] ?? 15);
const { startPresenter, openPresenter } = await import(join(root, 'dist/test/e2e/presenter-harness.js'));
const TICK = 100; // clock ticks per second on Linux

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const children = (pid) =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);

/** CPU % (of one core) and peak RSS of `pid` over `ms`, sampling RSS every 250 ms. */
async function measure(pid, ms) {
  const t0 = cpuTicks(pid);
  const start = Date.now();
  let peak = 0;
  while (Date.now() - start < ms) {
    peak = Math.max(peak, rssMiB(pid));
    await new Promise((r) => setTimeout(r, 250));
  }
  const cpu = ((cpuTicks(pid) - t0) / TICK / ((Date.now() - start) / 1000)) * 100;
  return { cpu, peak, rss: rssMiB(pid) };
}

/** Milliseconds from a key to the screen showing `expect` (median of `n`). */
async function keyLatency(h, pairs, n = 6) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const [key, expect] = pairs[i % pairs.length];
    const t = Date.now();
    h.keys(key);
    // capture-pane itself takes a few ms: poll as fast as it answers.
    while (!expect(h.capture())) {
      if (Date.now() - t > 10_000) throw new Error(`key ${key} never showed`);
    }
    times.push(Date.now() - t);
    await new Promise((r) => setTimeout(r, 200));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const h = await startPresenter({ width: 160, height: 45 });
const lessonTmux = (...args) =>
  execFileSync('tmux', ['-S', join(h.workdir, 'tmux.sock'), ...args], { encoding: 'utf8' });
try {
  openPresenter(h);
  await h.waitFor((s) => s.includes('Ch 1/2 Start etcd'), 'the presenter');
  h.keys('0');
  await h.waitFor((s) => /┌─ shell ─/.test(s) && /wd #/.test(s), 'the shell in the terminal pane');
  const pid = Number(
    readdirSync('/proc').find((n) => {
      try {
        const cmd = readFileSync(`/proc/${n}/cmdline`, 'utf8');
        return cmd.includes('bin.js') && cmd.includes(h.lessonFile) && !cmd.includes('cleanup');
      } catch {
        return false;
      }
    }),
  );
  const client = children(pid).find((c) => readFileSync(`/proc/${c}/comm`, 'utf8').startsWith('tmux'));
  const helpKeys = [
    ['?', (s) => s.includes('Keys (any key closes)')],
    ['x', (s) => !s.includes('Keys (any key closes)')],
  ];
  const switchKeys = [
    ['1', (s) => /┌─ etcd ─/.test(s)],
    ['0', (s) => /┌─ shell ─/.test(s)],
  ];
  await new Promise((r) => setTimeout(r, 2000));
  const idle = await measure(pid, seconds * 1000);
  const idleKey = await keyLatency(h, helpKeys);

  const log = join(h.workdir, 'logs', 'shell.log');
  // tmux 3 clients hand their terminal to the server, which draws into it: the server does the work.
  const server = Number(lessonTmux('display-message', '-p', '#{pid}').trim());
  /** One flooding program in the shell: the presenter's CPU and RSS, keys, what the server costs. */
  async function floodPhase(command) {
    const logBefore = statSync(log).size;
    lessonTmux('send-keys', '-t', '=shell:', command, 'Enter');
    await new Promise((r) => setTimeout(r, 1000));
    const clientT0 = client ? cpuTicks(client) : 0;
    const serverT0 = cpuTicks(server);
    const t0 = Date.now();
    const result = await measure(pid, seconds * 1000);
    result.key = await keyLatency(h, helpKeys);
    result.switch = await keyLatency(h, switchKeys);
    const elapsed = (Date.now() - t0) / 1000;
    result.clientCpu = client ? ((cpuTicks(client) - clientT0) / TICK / elapsed) * 100 : NaN;
    result.serverCpu = ((cpuTicks(server) - serverT0) / TICK / elapsed) * 100;
    result.logRate = (statSync(log).size - logBefore) / 1e6 / (elapsed + 1);
    lessonTmux('send-keys', '-t', '=shell:', 'C-c', '');
    await new Promise((r) => setTimeout(r, 1000));
    lessonTmux('send-keys', '-t', '=shell:', 'clear', 'Enter');
    await new Promise((r) => setTimeout(r, 1000));
    return result;
  }
  const base64 = await floodPhase('base64 -w 160 /dev/urandom');
  const yes = await floodPhase('yes');

  const f = (n, d = 1) => n.toFixed(d);
  console.log(
    `presenter at 160x45, ${seconds}s per phase (${process.version}, ${readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'cpu'})`,
  );
  console.log(
    `idle:     presenter CPU ${f(idle.cpu)}%  RSS ${f(idle.rss, 0)} MiB (peak ${f(idle.peak, 0)})  key to screen ${idleKey} ms`,
  );
  for (const [name, flood] of [
    ['base64', base64],
    ['yes', yes],
  ]) {
    console.log(
      `${name.padEnd(9)} presenter CPU ${f(flood.cpu)}%  RSS ${f(flood.rss, 0)} MiB (peak ${f(flood.peak, 0)})  key to screen ${flood.key} ms  session switch ${flood.switch} ms`,
    );
    console.log(
      `          lesson's tmux server CPU ${f(flood.serverCpu)}%, its client ${f(flood.clientCpu)}%; session output ${f(flood.logRate)} MB/s (its log)`,
    );
  }
} finally {
  h.dispose();
}
