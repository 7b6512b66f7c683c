import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { detectArch } from '../../src/adapters/fetch/arch.js';
import { namespaceName } from '../../src/adapters/isolation/address.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { removeNamespace, TestHost, track } from './isolation-helpers.js';
import { holdClusterLock, hostPaths, mountsUnder, processesUnder } from './cluster-checks.js';
import { componentStartups } from '../../src/adapters/rehearsal/component-startup.js';
import {
  buildClusterImages,
  buildClusterMirror,
  KUBERNETES_PROGRAMS,
  kubernetesArchive,
  machineEtcdVersion,
  TEST_KUBERNETES,
  unpackKubernetes,
} from './cluster-material.js';
import { startContainerd } from './containerd-helper.js';
import { BIN, ROOT } from '../helpers/paths.js';

// The project's most important test: the built-in lesson, every chapter, on real programs — Kubernetes
// v1.28.7 server binaries (../shared/kubernetes), Debian's etcd, containerd, runc and CNI plugins — through
// the documented offline path: a local mirror serving real files at their upstream paths → `bundle create`
// (images exported from a containerd) → `bundle load` into a fresh cache → `run --headless`, the lesson
// isolating itself. Then a replay of a chapter after the kubelet, the rest of the lesson, `cleanup --purge`,
// and a machine exactly as before. The Ingress chapter is left out (`ingress=none`): no Traefik image can
// be had offline. demystify itself runs in a namespace the test creates to play the host.

const LESSON = join(ROOT, 'lessons/demystify-kubernetes.en.md');
const STATIC_SERVER = join(ROOT, 'test/helpers/static-server.mjs');
const RUN_FOLDERS = ['/var/lib/demystify/demystify-kubernetes', '/run/demystify/demystify-kubernetes'];

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

type StepEvent = {
  event: string;
  at: number;
  chapter?: string;
  step?: string;
  outcome?: { kind: string; reason?: string };
};

function events(stdout: string): StepEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as StepEvent);
}

/** Seconds per chapter, from its first step's start to its last step's end (fast-forwards apart). */
function secondsPerChapter(list: StepEvent[]): [string, number][] {
  const spans = new Map<string, { start: number; end: number }>();
  for (const e of list) {
    if (!e.chapter || (e.event !== 'step-started' && e.event !== 'step-finished')) continue;
    const span = spans.get(e.chapter) ?? { start: e.at, end: e.at };
    span.start = Math.min(span.start, e.at);
    span.end = Math.max(span.end, e.at);
    spans.set(e.chapter, span);
  }
  return [...spans].map(([chapter, s]) => [chapter, (s.end - s.start) / 1000]);
}

test('the built-in lesson runs every chapter on real Kubernetes, replays a chapter, and cleans up every trace', async (t) => {
  const archive = kubernetesArchive(ROOT);
  assert.ok(
    archive,
    'the Kubernetes test binaries (../shared/kubernetes or $DEMYSTIFY_K8S_ARCHIVE) are missing',
  );
  const arch = detectArch();
  const etcdVersion = await machineEtcdVersion();
  const pins = { kubernetes: TEST_KUBERNETES, etcd: etcdVersion };
  const options = ['--set', 'runtime=system', '--set', 'ingress=none'];
  const pinFlags = Object.entries(pins).flatMap(([name, version]) => ['--pin', `${name}=${version}`]);
  t.diagnostic(
    `versions used: Kubernetes ${TEST_KUBERNETES} (test build), etcd ${etcdVersion} (Debian), the machine's containerd, runc and CNI plugins`,
  );

  // One real cluster at a time on this machine: its containerd socket and run folders are fixed paths.
  // Pushed first, so released last, once everything of this run is gone.
  let release = (): void => undefined;
  cleanups.push(async () => release());
  release = await holdClusterLock();
  const host = await TestHost.create(t);
  const home = await mkdtemp(join(tmpdir(), 'dm-cluster-'));
  await chmod(home, 0o755);
  const workdir = join(home, 'demystify-kubernetes');
  const address = '10.200.78.2';
  const mirrorUrl = 'http://127.0.0.1:8098';
  const baseEnv = { ...process.env, DEMYSTIFY_HOME: home, LANG: 'C.UTF-8', DEMYSTIFY_MIRROR: '' };
  const cli = (args: string[], env: Record<string, string> = {}) =>
    execa(host.prefix[0]!, [...host.prefix.slice(1), process.execPath, BIN, ...args], {
      env: { ...baseEnv, ...env },
      reject: false,
      timeout: 600_000,
    });
  track(namespaceName(workdir));
  cleanups.push(async () => {
    // A test that failed half-way may leave the work directory held or a clean-up half done: --force,
    // and once more if the first did not finish, so that no mount or process outlives the test.
    for (let i = 0; i < 2; i++)
      if ((await cli(['cleanup', '--purge', '--force', '--workdir', workdir])).exitCode === 0) break;
    await removeNamespace(namespaceName(workdir));
    await rm(home, { recursive: true, force: true });
  });

  // The release files, at their upstream paths, served in the test host's namespace.
  const kubernetesDir = join(home, 'kubernetes');
  await unpackKubernetes(archive, kubernetesDir);
  const { lesson } = parseLesson(await readFile(LESSON, 'utf8'), LESSON);
  const artifactVersions = Object.fromEntries([
    ...KUBERNETES_PROGRAMS.map((name) => [name, TEST_KUBERNETES]),
    ['etcd', etcdVersion],
  ]);
  const mirrorDir = join(home, 'mirror');
  const served = await buildClusterMirror(mirrorDir, lesson.artifacts, {
    arch,
    versions: artifactVersions,
    kubernetesDir,
  });
  t.diagnostic(`mirror: ${served.length} files (no helm, no containerd release)`);
  const mirror = spawn(
    host.prefix[0]!,
    [...host.prefix.slice(1), process.execPath, STATIC_SERVER, mirrorDir, '8098'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let mirrorLog = '';
  mirror.stdout.on('data', (chunk: Buffer) => (mirrorLog += chunk.toString()));
  const stopMirror = async (): Promise<void> => void mirror.kill('SIGTERM');
  cleanups.push(stopMirror);
  for (let i = 0; i < 100 && !mirrorLog.includes('listening'); i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(mirrorLog, /listening/);

  // The images, made here from busybox-static, exported from a containerd into the bundle.
  const containerd = await startContainerd(join(home, 'image-containerd'));
  cleanups.push(async () => void containerd.process.kill('SIGKILL'));
  for (const image of await buildClusterImages(arch)) {
    const file = join(home, `${image.ref.replace(/[/:]/g, '_')}.tar`);
    await writeFile(file, image.archive);
    const base = image.ref.slice(0, image.ref.lastIndexOf(':'));
    await execa('ctr', [
      '--address',
      containerd.socket,
      '-n',
      'k8s.io',
      'images',
      'import',
      '--base-name',
      base,
      file,
    ]);
  }

  // Offline path: bundle create (mirror + containerd) → bundle load into a fresh cache, mirror gone.
  const bundle = join(home, 'lesson.bundle.tar');
  const created = await cli(
    [
      'bundle',
      'create',
      bundle,
      LESSON,
      '--address',
      containerd.socket,
      '--cache',
      join(home, 'cache-online'),
      ...options,
      ...Object.entries(artifactVersions).flatMap(([name, version]) => ['--pin', `${name}=${version}`]),
    ],
    { DEMYSTIFY_MIRROR: mirrorUrl },
  );
  assert.equal(created.exitCode, 0, `${created.stdout}\n${created.stderr}`);
  assert.doesNotMatch(mirrorLog, /helm/, 'the default options do not ask for helm');
  await stopMirror();
  containerd.process.kill('SIGTERM');
  const cacheEnv = { XDG_CACHE_HOME: join(home, 'cache') };
  const loaded = await cli(['bundle', 'load', bundle], cacheEnv);
  assert.equal(loaded.exitCode, 0, `${loaded.stdout}\n${loaded.stderr}`);

  const before = { host: await host.snapshot(), paths: hostPaths() };
  const runArgs = ['--workdir', workdir, ...options, ...pinFlags, '--json'];
  const check = (
    label: string,
    result: { exitCode?: number; stdout: string; stderr: string },
  ): StepEvent[] => {
    const list = events(result.stdout);
    const failed = list.filter((e) => e.event === 'step-finished' && e.outcome?.kind === 'failed');
    assert.deepEqual(
      failed,
      [],
      `${label}: failed steps\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
    );
    assert.equal(result.exitCode, 0, `${label}\n${result.stderr.slice(-3000)}`);
    for (const [chapter, seconds] of secondsPerChapter(list))
      t.diagnostic(`${label}: ${chapter} ${seconds.toFixed(1)} s`);
    return list;
  };

  // 1. Straight through to the Service.
  const first = check(
    'run',
    await cli(
      ['run', LESSON, '--address', address, '--to', 'service', '--report', join(home, 'report'), ...runArgs],
      cacheEnv,
    ),
  );
  const ran = (list: StepEvent[], step: string): boolean =>
    list.some((e) => e.step === step && e.event === 'step-finished' && e.outcome?.kind === 'ok');
  assert.ok(ran(first, 'curl-service'));
  // The checks that back the narration ran on the real cluster: the ServiceAccount and kube-root-ca.crt,
  // the Pods' projected token volume, the node's taint and podCIDR, logs through the kubelet, a pending
  // LoadBalancer reached on its NodePort.
  for (const step of [
    'service-account-and-ca',
    'pod-token-volume',
    'node-taints',
    'node-pod-cidr',
    'pod-logs',
    'lb-pending',
    'curl-nodeport',
  ])
    assert.ok(ran(first, step), `${step} did not run ok`);
  // The run's rehearsal report lists every chapter it ran, with its time.
  const report = await readFile(join(home, 'report', 'report.md'), 'utf8');
  for (const chapter of lesson.chapters.slice(0, lesson.chapters.findIndex((c) => c.id === 'service') + 1))
    assert.match(report, new RegExp(`\\(\`${chapter.id}\`\\) \\|[^|\\n]*\\| \\d`), `report: ${chapter.id}`);
  // The components' own start-up in the same run, the floor the lesson's time is compared with.
  const startups = Object.fromEntries(
    (await componentStartups(workdir)).map((c) => [c.component, c.startupMs / 1000]),
  );
  for (const [name, seconds] of Object.entries(startups))
    t.diagnostic(`component ${name}: ready ${seconds.toFixed(1)} s after its process started`);
  const timings = { chapters: secondsPerChapter(first), startups, events: first };
  const kubectl = (args: string[]) =>
    cli([
      'exec',
      '--workdir',
      workdir,
      '--',
      'kubectl',
      '--kubeconfig',
      join(workdir, 'admin.conf'),
      ...args,
    ]);
  const clusterState = async (): Promise<string> => {
    const pods = await kubectl([
      'get',
      'pods',
      '--selector',
      'app=web',
      '--output',
      'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}',
    ]);
    const services = await kubectl([
      'get',
      'services',
      '--output',
      'jsonpath={range .items[*]}{.metadata.name}{" "}{end}',
    ]);
    return `pods: ${pods.stdout.split('\n').filter(Boolean).sort().join(',')}; services: ${services.stdout.trim()}`;
  };
  const afterRun = await clusterState();
  assert.equal(afterRun, 'pods: Running,Running; services: front kubernetes web');

  // 2. Replay a chapter after the kubelet: reset (unmounting what Pods left), fast-forward, run it again.
  const replay = await cli(['replay', 'service', '--workdir', workdir, '--json'], cacheEnv);
  check('replay', replay);
  assert.equal(await clusterState(), afterRun, 'after the replay, the cluster is as after a straight run');

  // 3. The rest of the lesson: iptables, scale to four, clean-up chapter.
  const rest = check('run', await cli(['run', LESSON, '--from', 'iptables', ...runArgs], cacheEnv));
  for (const step of ['nodeports', 'sep-chains', 'postrouting', 'svc-chain-scaled', 'delete-lb'])
    assert.ok(ran(rest, step), `${step} did not run ok`);
  // For scripts/bench-cluster.mjs: the straight run's events and the components' start-up.
  if (process.env.DEMYSTIFY_CLUSTER_TIMINGS)
    await writeFile(process.env.DEMYSTIFY_CLUSTER_TIMINGS, JSON.stringify({ ...timings, rest }, null, 2));

  // 4. Clean up, twice; then nothing of the lesson is left.
  const cleanup = await cli(['cleanup', '--purge', '--workdir', workdir]);
  assert.equal(cleanup.exitCode, 0, `${cleanup.stdout}\n${cleanup.stderr}`);
  const again = await cli(['cleanup', '--purge', '--workdir', workdir]);
  assert.equal(again.exitCode, 0, `${again.stdout}\n${again.stderr}`);
  const prefixes = [home, ...RUN_FOLDERS];
  assert.deepEqual(processesUnder(prefixes), [], 'processes of the lesson left running');
  assert.deepEqual(
    mountsUnder([...prefixes, '/var/lib/kubelet', `/run/netns/${namespaceName(workdir)}`]),
    [],
    'mounts left',
  );
  const nowHost = await host.snapshot();
  assert.equal(nowHost.link, before.host.link, 'links of the host changed');
  assert.equal(nowHost.iptables, before.host.iptables, 'iptables rules of the host changed');
  assert.equal(nowHost.route, before.host.route, 'routes of the host changed');
  assert.deepEqual(hostPaths(), before.paths, 'files outside the work directory');
  const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter(
    (name) => name === namespaceName(workdir) || name.startsWith('cni-'),
  );
  assert.deepEqual(netns, [], 'network namespaces of the lesson left');
});
