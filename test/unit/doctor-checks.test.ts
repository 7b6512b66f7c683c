import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkBinary,
  checkPorts,
  checkPrivileges,
  checkSwap,
  checkTmux,
  type DoctorDeps,
  type RunResult,
} from '../../src/adapters/doctor/checks.js';
import {
  checkCgroups,
  checkDisk,
  checkHostname,
  checkIpForward,
  checkOverlay,
} from '../../src/adapters/doctor/checks-system.js';
import {
  KUBERNETES_PORTS,
  kubernetesVersion,
  lessonBinaries,
  lessonPorts,
  runDoctor,
  type DoctorLesson,
} from '../../src/adapters/doctor/doctor.js';

/** A host described by data: files, programs (path → answer), free ports, names. */
function fakeHost(
  overrides: Partial<DoctorDeps> & {
    files?: Record<string, string>;
    programs?: Record<string, (args: string[]) => RunResult>;
  } = {},
): DoctorDeps {
  const files = overrides.files ?? {};
  const programs = overrides.programs ?? {};
  const missing: RunResult = { exitCode: undefined, stdout: '', stderr: 'ENOENT' };
  return {
    run: async (command, args) => (programs[command] ? programs[command](args) : missing),
    readFile: async (path) => files[path],
    exists: async (path) => path in files,
    isExecutable: async (path) => path in programs,
    which: async (name) => Object.keys(programs).find((path) => path === `/usr/bin/${name}`),
    portFree: async () => true,
    lookup: async () => ['127.0.1.1'],
    hostname: () => 'stage',
    uid: () => 0,
    freeBytes: async () => 50 * 1024 ** 3,
    ...overrides,
  };
}

const says =
  (stdout: string, exitCode = 0, stderr = ''): (() => RunResult) =>
  () => ({ exitCode, stdout, stderr });
const etcd = { name: 'etcd', path: '/w/bin/etcd', version: '3.6.9', searchPath: true };

test('a binary present and runnable, with the pinned version', async () => {
  const deps = fakeHost({ programs: { '/w/bin/etcd': says('etcd Version: 3.6.9\nGit SHA: abc\n') } });
  assert.deepEqual(await checkBinary(etcd, deps), {
    name: 'binary etcd',
    status: 'ok',
    ok: true,
    detail: '/w/bin/etcd: etcd Version: 3.6.9',
  });
  const old = fakeHost({ programs: { '/w/bin/etcd': says('etcd Version: 3.5.0') } });
  assert.equal((await checkBinary(etcd, old)).status, 'warn');
});

test('a missing binary fails with the fix; one on PATH only warns, but never for a plugin folder', async () => {
  const missing = await checkBinary(etcd, fakeHost());
  assert.equal(missing.status, 'fail');
  assert.match(missing.detail, /missing: not in \/w\/bin\/etcd nor on PATH/);
  assert.match(missing.fix!, /demystify fetch/);
  const onPath = await checkBinary(
    etcd,
    fakeHost({ programs: { '/usr/bin/etcd': says('etcd Version: 3.4.23') } }),
  );
  assert.equal(onPath.status, 'warn');
  assert.match(
    onPath.detail,
    /\/usr\/bin\/etcd from PATH \(etcd Version: 3\.4\.23\); the lesson pins 3\.6\.9/,
  );
  // iproute2's `bridge` on PATH is not the CNI plugin.
  const bridge = { name: 'bridge', path: '/w/cni/bin/bridge', version: '1.9.1', searchPath: false };
  const cni = await checkBinary(
    bridge,
    fakeHost({ programs: { '/usr/bin/bridge': says('bridge utility') } }),
  );
  assert.equal(cni.status, 'fail');
  assert.equal(cni.detail, 'missing: not in /w/cni/bin/bridge');
});

test('a binary that does not run (wrong architecture) fails; other version spellings are tried', async () => {
  const wrongArch = fakeHost({
    programs: { '/w/bin/etcd': () => ({ exitCode: undefined, stdout: '', stderr: 'spawn ENOEXEC' }) },
  });
  const failed = await checkBinary(etcd, wrongArch);
  assert.equal(failed.status, 'fail');
  assert.match(failed.detail, /does not run: spawn ENOEXEC/);
  const asked: string[][] = [];
  const shim = fakeHost({
    programs: {
      '/w/bin/containerd-shim-runc-v2': (args) => {
        asked.push(args);
        return args[0] === '-v'
          ? { exitCode: 0, stdout: '/w/bin/containerd-shim-runc-v2:\n  Version:  v2.2.2\n', stderr: '' }
          : { exitCode: 2, stdout: '', stderr: 'flag provided but not defined' };
      },
    },
  });
  const ok = await checkBinary(
    {
      name: 'containerd-shim-runc-v2',
      path: '/w/bin/containerd-shim-runc-v2',
      version: '2.2.2',
      searchPath: true,
    },
    shim,
  );
  assert.equal(ok.status, 'ok');
  assert.match(ok.detail, /Version: {2}v2\.2\.2/);
  assert.deepEqual(asked, [['-v']]);
  const kubectl: string[][] = [];
  await checkBinary(
    { name: 'kubectl', path: '/w/bin/kubectl', version: '1.36.0', searchPath: true },
    fakeHost({
      programs: {
        '/w/bin/kubectl': (args) => (
          kubectl.push(args),
          { exitCode: 0, stdout: 'Client Version: v1.36.0', stderr: '' }
        ),
      },
    }),
  );
  assert.deepEqual(kubectl, [['version', '--client']]);
});

test('tmux, privileges and swap', async () => {
  assert.equal((await checkTmux(fakeHost({ programs: { tmux: says('tmux 3.3a') } }))).status, 'ok');
  assert.equal((await checkTmux(fakeHost({ programs: { tmux: says('tmux 2.8') } }))).status, 'fail');
  assert.match((await checkTmux(fakeHost())).fix!, /apt-get install tmux/);
  assert.equal((await checkPrivileges(fakeHost())).detail, 'running as root');
  const user = { uid: () => 1000 };
  assert.equal(
    (await checkPrivileges(fakeHost({ ...user, programs: { '/usr/bin/sudo': says(''), sudo: says('') } })))
      .status,
    'ok',
  );
  assert.equal(
    (await checkPrivileges(fakeHost({ ...user, programs: { '/usr/bin/sudo': says(''), sudo: says('', 1) } })))
      .status,
    'warn',
  );
  assert.equal((await checkPrivileges(fakeHost(user))).status, 'fail');
  const header = 'Filename\tType\tSize\tUsed\tPriority\n';
  assert.equal((await checkSwap(fakeHost({ files: { '/proc/swaps': header } }))).status, 'ok');
  const on = await checkSwap(fakeHost({ files: { '/proc/swaps': `${header}/swapfile file 1024 0 -2\n` } }));
  assert.equal(on.status, 'warn');
  assert.match(on.detail, /on \(\/swapfile\)/);
  assert.match(on.fix!, /swapoff -a/);
});

test('a busy port names what holds it; in an isolated lesson it only warns', async () => {
  const deps = fakeHost({
    portFree: async (port) => port !== 6443,
    programs: { ss: says('LISTEN 0 4096 *:6443 *:* users:(("kube-apiserver",pid=4242,fd=7))') },
  });
  const busy = await checkPorts([2379, 6443], deps);
  assert.equal(busy.status, 'fail');
  assert.equal(busy.detail, 'in use: 6443 (kube-apiserver, pid 4242)');
  assert.equal((await checkPorts([2379, 6443], deps, true)).status, 'warn');
  assert.equal((await checkPorts([2379], deps)).detail, 'free: 2379');
});

test('cgroups: version, driver, and kubelet 1.35+ on cgroup v1', async () => {
  const v1 = { '/proc/mounts': 'cgroup /sys/fs/cgroup/memory cgroup rw 0 0\n', '/proc/1/comm': 'tini\n' };
  const plain = await checkCgroups(fakeHost({ files: v1 }), '1.34.2');
  assert.equal(plain.status, 'ok');
  assert.match(
    plain.detail,
    /cgroup v1, driver cgroupfs \(PID 1 is tini\): kubelet --cgroup-driver=cgroupfs/,
  );
  const recent = await checkCgroups(fakeHost({ files: v1 }), '1.36.0');
  assert.equal(recent.status, 'warn');
  assert.match(recent.fix!, /failCgroupV1: false/);
  const v2 = await checkCgroups(
    fakeHost({ files: { '/sys/fs/cgroup/cgroup.controllers': 'cpu memory', '/proc/1/comm': 'systemd\n' } }),
    '1.36.0',
  );
  assert.equal(v2.status, 'ok');
  assert.match(v2.detail, /cgroup v2, driver systemd/);
  assert.equal((await checkCgroups(fakeHost({ files: { '/proc/mounts': '' } }))).status, 'fail');
});

test('ip_forward, hostname, overlayfs and disk space', async () => {
  assert.equal(
    (await checkIpForward(fakeHost({ files: { '/proc/sys/net/ipv4/ip_forward': '1\n' } }), false)).status,
    'ok',
  );
  const off = await checkIpForward(fakeHost({ files: { '/proc/sys/net/ipv4/ip_forward': '0\n' } }), false);
  assert.equal(off.status, 'fail');
  assert.equal(off.fix, 'sysctl -w net.ipv4.ip_forward=1');
  assert.equal(
    (await checkIpForward(fakeHost({ files: { '/proc/sys/net/ipv4/ip_forward': '0\n' } }), true)).status,
    'warn',
  );
  assert.equal((await checkHostname(fakeHost())).detail, 'stage resolves to 127.0.1.1');
  const unresolved = await checkHostname(fakeHost({ lookup: async () => [] }));
  assert.equal(unresolved.status, 'fail');
  assert.match(unresolved.fix!, /127\.0\.1\.1 stage/);
  assert.equal(
    (await checkOverlay(fakeHost({ files: { '/proc/filesystems': 'nodev\ttmpfs\nnodev\toverlay\n' } })))
      .status,
    'ok',
  );
  assert.equal(
    (await checkOverlay(fakeHost({ files: { '/proc/filesystems': 'nodev\ttmpfs\n' } }))).status,
    'warn',
  );
  const full = await checkDisk('cache', '/c', 2 * 1024 ** 3, fakeHost({ freeBytes: async () => 1024 ** 3 }));
  assert.equal(full.status, 'fail');
  assert.equal(full.detail, '1.0 GiB free at /c, 2.0 GiB needed');
});

const pos = { file: 'l.md', line: 1, column: 1 };
const lesson: DoctorLesson = {
  versions: { kubernetes: '1.36.0', etcd: '3.6.9' },
  components: {
    etcd: {
      name: 'etcd',
      session: 'etcd',
      ready: [{ kind: 'http', url: 'https://127.0.0.1:2379/health', raw: '' }],
      pos,
    },
    app: {
      name: 'app',
      session: 'app',
      ready: [
        { kind: 'tcp', host: '127.0.0.1', port: 31000, raw: '' },
        { kind: 'unix', path: '/run/x.sock', raw: '' },
      ],
      pos,
    },
  },
  chapters: [],
  artifacts: [
    { name: 'etcd', version: '3.6.9', url: 'u', extract: { 'd/etcd': 'etcd', 'd/etcdctl': 'etcdctl' }, pos },
    { name: 'cni-plugins', version: '1.9.1', url: 'u', dest: 'cni/bin', extract: { bridge: 'bridge' }, pos },
  ],
};

test('what the doctor derives from a lesson: binaries, ports, the Kubernetes version', () => {
  assert.deepEqual(
    lessonBinaries(lesson, '/w').map((b) => [b.name, b.path, b.searchPath]),
    [
      ['etcd', '/w/bin/etcd', true],
      ['etcdctl', '/w/bin/etcdctl', true],
      ['bridge', '/w/cni/bin/bridge', false],
    ],
  );
  assert.deepEqual(lessonPorts(lesson, [4000]), [2379, 4000, 31000]);
  const kube = {
    ...lesson,
    components: { ...lesson.components, kubelet: { name: 'kubelet', session: 'kubelet', ready: [], pos } },
  };
  assert.deepEqual(
    lessonPorts(kube),
    [...new Set([2379, 31000, ...KUBERNETES_PORTS])].sort((a, b) => a - b),
  );
  assert.equal(kubernetesVersion(lesson), '1.36.0');
});

test('runDoctor lists every check, and only failures make it not ok', async () => {
  const deps = fakeHost({
    files: {
      '/proc/swaps': 'Filename\n',
      '/sys/fs/cgroup/cgroup.controllers': '',
      '/proc/1/comm': 'systemd',
      '/proc/sys/net/ipv4/ip_forward': '1',
      '/proc/filesystems': 'nodev\toverlay\n',
    },
    programs: {
      '/w/bin/etcd': says('etcd Version: 3.6.9'),
      '/w/bin/etcdctl': says('etcdctl version: 3.6.9'),
      '/w/cni/bin/bridge': says('', 0, 'CNI bridge plugin v1.9.1'),
      tmux: says('tmux 3.4'),
    },
  });
  const checks = await runDoctor({ lesson, workdir: '/w', cacheDir: '/c' }, deps);
  assert.deepEqual(
    checks.map((c) => `${c.status} ${c.name}`),
    [
      'ok binary etcd',
      'ok binary etcdctl',
      'ok binary bridge',
      'ok tmux',
      'ok root or sudo',
      'ok swap',
      'ok ports',
      'ok cgroups',
      'ok ip_forward',
      'ok hostname',
      'ok overlayfs',
      'ok disk (cache)',
      'ok disk (workdir)',
    ],
  );
  const busy = await runDoctor(
    { lesson, workdir: '/w', cacheDir: '/c' },
    { ...deps, portFree: async (p) => p !== 2379 },
  );
  assert.deepEqual(
    busy.filter((c) => !c.ok).map((c) => c.name),
    ['ports'],
  );
});
