import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { namespaceName } from '../../src/adapters/isolation/address.js';
import {
  assertMachineUnchanged,
  machineNetwork,
  removeNamespace,
  TestHost,
  track,
} from './isolation-helpers.js';
import { BIN, ROOT } from '../helpers/paths.js';

// `demystify run --isolate` for real: tmux, etcd on its usual port 2379, iptables, a pod namespace. The
// demystify process runs inside a namespace the test creates to play the host, so the machine's own
// network is never touched; the test compares that "host" before and after, and the machine too.

const FIXTURE = join(ROOT, 'test/fixtures/lessons/isolation.md');
const LESSON_ID = 'isolation-fixture';

let machineBefore: Awaited<ReturnType<typeof machineNetwork>>;
const homes: { home: string; host: TestHost }[] = [];

before(async () => {
  machineBefore = await machineNetwork();
});

after(async () => {
  for (const { home, host } of homes) {
    const workdir = join(home, LESSON_ID);
    // A failed test may have left the lesson running: cleanup, then remove by name whatever is left.
    await cli(host, home, ['cleanup', LESSON_ID]).catch(() => undefined);
    await removeNamespace(namespaceName(workdir));
    await removeNamespace(podName(workdir));
    await rm(home, { recursive: true, force: true });
  }
  await assertMachineUnchanged(machineBefore);
});

/** The pod namespace the fixture's last step creates (named after its work directory). */
function podName(workdir: string): string {
  return `dmt-pod-${createHash('md5').update(`${workdir}\n`).digest('hex').slice(0, 10)}`;
}

/** A DEMYSTIFY_HOME of its own: the lesson's work directory is `<home>/isolation-fixture`. */
async function newHome(host: TestHost): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'dm-iso-run-'));
  homes.push({ home, host });
  track(namespaceName(join(home, LESSON_ID)));
  track(podName(join(home, LESSON_ID)));
  return home;
}

/** `demystify exec` of etcdctl inside the lesson's namespace: the key the fixture wrote, its work directory. */
const GET_OWNER = [
  'exec',
  '--lesson',
  LESSON_ID,
  '--',
  'etcdctl',
  '--endpoints',
  'http://127.0.0.1:2379',
  'get',
  'owner',
  '--print-value-only',
];

/** Run demystify inside the test's host namespace. */
function cli(host: TestHost, home: string, args: string[]) {
  return execa(host.prefix[0]!, [...host.prefix.slice(1), process.execPath, BIN, ...args], {
    env: { ...process.env, DEMYSTIFY_HOME: home },
    reject: false,
  });
}

test('an isolated run: etcd on 2379 answers through exec, not on the host; cleanup leaves the host as it was', async (t) => {
  const host = await TestHost.create(t);
  const home = await newHome(host);
  const workdir = join(home, LESSON_ID);
  const hostBefore = await host.snapshot();

  const run = await cli(host, home, ['run', FIXTURE, '--isolate']);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /isolated: network namespace demystify-[0-9a-f]{8}, node address 10\.200\.\d+\.2/);
  assert.match(run.stderr, /outbound access: off/);
  assert.match(run.stdout, /pod\s+pod\s+.*ok/);

  const status = await cli(host, home, ['status', LESSON_ID, '--json']);
  const json = JSON.parse(status.stdout) as {
    isolation: { isolated: boolean; namespace: string; nodeAddress: string; outbound: boolean };
    components: { name: string; ready: boolean; pid?: number }[];
  };
  assert.equal(json.isolation.isolated, true);
  assert.equal(json.isolation.namespace, namespaceName(workdir));
  assert.equal(json.isolation.outbound, false);
  assert.match(json.isolation.nodeAddress, /^10\.200\.\d+\.2$/);
  const etcd = json.components.find((c) => c.name === 'etcd');
  assert.equal(etcd?.ready, true, 'status probes etcd inside the namespace');
  assert.match((await cli(host, home, ['status', LESSON_ID])).stdout, /isolated: network namespace/);
  // The plan of an isolated work directory shows the node address a run there types.
  const plan = await cli(host, home, ['plan', FIXTURE, '--workdir', workdir]);
  assert.match(plan.stdout, new RegExp(`echo "node=${json.isolation.nodeAddress.replace(/\./g, '\\.')}"`));

  // Inside: etcd, the node address `${node.ip}` resolved to, the kube-proxy-like chains.
  const get = await cli(host, home, GET_OWNER);
  assert.equal(get.stdout.trim(), workdir);
  const health = await cli(host, home, [
    'exec',
    '--lesson',
    LESSON_ID,
    '--',
    'curl',
    '-s',
    'http://127.0.0.1:2379/health',
  ]);
  assert.match(health.stdout, /"health":\s*"true"/);
  const addr = await cli(host, home, [
    'exec',
    '--lesson',
    LESSON_ID,
    '--',
    'ip',
    '-4',
    '-o',
    'addr',
    'show',
    'eth0',
  ]);
  assert.ok(addr.stdout.includes(` inet ${json.isolation.nodeAddress}/30`), addr.stdout);
  assert.match(
    (await cli(host, home, ['exec', '--lesson', LESSON_ID, '--', 'iptables-save'])).stdout,
    /-A OUTPUT -j KUBE-SERVICES/,
  );
  assert.equal(
    (await cli(host, home, ['exec', '--lesson', LESSON_ID, '--', 'sh', '-c', 'exit 7'])).exitCode,
    7,
  );
  // Outside: the host's 127.0.0.1:2379 has nothing, and its firewall nothing of the lesson.
  const outside = await host.run(['curl', '-s', '-m', '2', 'http://127.0.0.1:2379/health']);
  assert.equal(outside.exitCode, 7, 'connection refused on the host');
  assert.equal((await host.snapshot()).iptables, hostBefore.iptables);
  assert.ok(existsSync(`/run/netns/${podName(workdir)}`));

  const cleanup = await cli(host, home, ['cleanup', LESSON_ID]);
  assert.equal(cleanup.exitCode, 0, cleanup.stderr);
  assert.match(cleanup.stdout, new RegExp(`removed pod namespace ${podName(workdir)}`));
  assert.match(cleanup.stdout, /removed veth pair dm[0-9a-f]{8}/);
  assert.match(cleanup.stdout, new RegExp(`removed namespace ${namespaceName(workdir)}`));
  assert.deepEqual(
    await host.snapshot(),
    hostBefore,
    'iptables-save, ip route and ip link of the host as before',
  );
  assert.equal(existsSync(`/run/netns/${namespaceName(workdir)}`), false);
  assert.equal(existsSync(`/run/netns/${podName(workdir)}`), false);
  assert.equal(etcd?.pid === undefined ? false : existsSync(`/proc/${etcd.pid}`), false, 'etcd ended');
  const exec = await cli(host, home, ['exec', '--lesson', LESSON_ID, '--', 'true']);
  assert.equal(exec.exitCode, 2);
  assert.match(exec.stderr, /is not isolated/);
});

test('two isolated lessons run at the same time on the same ports without colliding', async (t) => {
  const host = await TestHost.create(t);
  const hostBefore = await host.snapshot();
  const [a, b] = [await newHome(host), await newHome(host)];
  const runs = await Promise.all([a, b].map((home) => cli(host, home, ['run', FIXTURE, '--isolate'])));
  for (const run of runs) assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  const owners = await Promise.all([a, b].map((home) => cli(host, home, GET_OWNER)));
  assert.deepEqual(
    owners.map((o) => o.stdout.trim()),
    [join(a, LESSON_ID), join(b, LESSON_ID)],
    'each etcd on 2379 is its own lesson',
  );
  const addresses = runs.map((run) => /node address (\S+)/.exec(run.stderr)?.[1]);
  assert.notEqual(addresses[0], addresses[1]);
  for (const home of [a, b]) assert.equal((await cli(host, home, ['cleanup', LESSON_ID])).exitCode, 0);
  assert.deepEqual(await host.snapshot(), hostBefore);
});

test("the lesson's front matter isolates with its own address; --outbound is stated loudly and undone", async (t) => {
  const host = await TestHost.create(t);
  const hostBefore = await host.snapshot();
  const home = await newHome(host);
  const lesson = join(home, 'isolated.md');
  const text = await readFile(FIXTURE, 'utf8');
  await writeFile(
    lesson,
    text.replace('reset: [etcd-data]', 'reset: [etcd-data]\nisolate: { enabled: true, address: 10.201.3.2 }'),
  );

  const run = await cli(host, home, ['run', lesson, '--to', 'node', '--outbound']);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /node address 10\.201\.3\.2 \(host end 10\.201\.3\.1/);
  assert.match(run.stderr, /OUTBOUND ACCESS ON: the host masquerades 10\.201\.3\.0\/30/);
  assert.match((await host.snapshot()).iptables, /MASQUERADE/);
  assert.match((await cli(host, home, ['status', LESSON_ID])).stdout, /OUTBOUND ACCESS ON/);
  // Asking for the host network while the lesson is isolated is refused.
  const shared = await cli(host, home, ['run', lesson, '--to', 'node', '--no-isolate']);
  assert.equal(shared.exitCode, 2);
  assert.match(shared.stderr, /runs in network namespace .*\n.*cleanup first/);

  assert.equal((await cli(host, home, ['cleanup', LESSON_ID])).exitCode, 0);
  assert.deepEqual(await host.snapshot(), hostBefore, 'NAT rules, tables and ip_forward as before');
});

test('flags that need isolation are refused without it', async (t) => {
  const host = await TestHost.create(t);
  const home = await newHome(host);
  const run = await cli(host, home, ['run', FIXTURE, '--to', 'node', '--outbound']);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /--outbound needs --isolate/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});
