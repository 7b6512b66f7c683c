import { check, type DoctorCheck, type DoctorDeps } from './checks.js';

/** `major.minor` of a version string, for comparisons (`1.36.0` → [1, 36]). */
function majorMinor(version: string | undefined): [number, number] | undefined {
  const match = /(\d+)\.(\d+)/.exec(version ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * The cgroup version and the driver kubelet and containerd must agree on: `systemd` when PID 1 is
 * systemd, `cgroupfs` otherwise. Kubernetes 1.35 and later refuse cgroup v1 unless `failCgroupV1: false`.
 */
export async function checkCgroups(deps: DoctorDeps, kubernetesVersion?: string): Promise<DoctorCheck> {
  const v2 = await deps.exists('/sys/fs/cgroup/cgroup.controllers');
  const mounts = (await deps.readFile('/proc/mounts')) ?? '';
  if (!v2 && !/\scgroup\s/.test(mounts)) {
    return check(
      'cgroups',
      'fail',
      'no cgroup filesystem mounted',
      'mount cgroups (a container without /sys/fs/cgroup cannot run kubelet)',
    );
  }
  const init = ((await deps.readFile('/proc/1/comm')) ?? '').trim();
  const driver = init === 'systemd' ? 'systemd' : 'cgroupfs';
  const detail = `cgroup ${v2 ? 'v2' : 'v1'}, driver ${driver} (PID 1 is ${init || 'unknown'}): kubelet --cgroup-driver=${driver}, containerd SystemdCgroup = ${driver === 'systemd'}`;
  const k8s = majorMinor(kubernetesVersion);
  if (!v2 && k8s && (k8s[0] > 1 || k8s[1] >= 35)) {
    return check(
      'cgroups',
      'warn',
      `${detail}; kubelet ${kubernetesVersion} refuses cgroup v1 by default`,
      'failCgroupV1: false in the KubeletConfiguration, or boot with cgroup v2',
    );
  }
  return check('cgroups', 'ok', detail);
}

/** Pods reach Services and the outside through the host: IPv4 forwarding must be on. */
export async function checkIpForward(deps: DoctorDeps, isolated: boolean): Promise<DoctorCheck> {
  const value = (await deps.readFile('/proc/sys/net/ipv4/ip_forward'))?.trim();
  if (value === '1') return check('ip_forward', 'ok', 'net.ipv4.ip_forward = 1');
  const fix = 'sysctl -w net.ipv4.ip_forward=1';
  if (isolated)
    return check(
      'ip_forward',
      'warn',
      `net.ipv4.ip_forward = ${value ?? '?'} here; the lesson's network namespace has its own`,
      fix,
    );
  return check('ip_forward', 'fail', `net.ipv4.ip_forward = ${value ?? 'unreadable'}`, fix);
}

/** Certificates and kubelet's node name use the hostname: it must resolve. */
export async function checkHostname(deps: DoctorDeps): Promise<DoctorCheck> {
  const name = deps.hostname();
  const addresses = await deps.lookup(name);
  if (addresses.length > 0) return check('hostname', 'ok', `${name} resolves to ${addresses.join(', ')}`);
  return check('hostname', 'fail', `${name} does not resolve`, `echo "127.0.1.1 ${name}" >> /etc/hosts`);
}

/** Room for the release files and what they unpack to. */
export async function checkDisk(
  label: string,
  path: string,
  minBytes: number,
  deps: DoctorDeps,
): Promise<DoctorCheck> {
  const free = await deps.freeBytes(path);
  const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (free === undefined) return check(`disk (${label})`, 'warn', `cannot tell the free space at ${path}`);
  if (free < minBytes) {
    return check(
      `disk (${label})`,
      'fail',
      `${gib(free)} free at ${path}, ${gib(minBytes)} needed`,
      `free some space, or use --${label === 'cache' ? 'cache' : 'workdir'} elsewhere`,
    );
  }
  return check(`disk (${label})`, 'ok', `${gib(free)} free at ${path}`);
}

/** containerd's default snapshotter needs overlayfs. */
export async function checkOverlay(deps: DoctorDeps): Promise<DoctorCheck> {
  const filesystems = (await deps.readFile('/proc/filesystems')) ?? '';
  if (/\soverlay$/m.test(filesystems)) return check('overlayfs', 'ok', 'available');
  return check(
    'overlayfs',
    'warn',
    'overlay is not in /proc/filesystems',
    "modprobe overlay (or set containerd's snapshotter to native)",
  );
}
