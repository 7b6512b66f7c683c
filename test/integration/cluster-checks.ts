// What a lesson run may leave on the machine, read before and after: processes, mounts, network
// namespaces and files of the lesson. The real-cluster test asserts that cleanup brings all of it back.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Host paths a one-node cluster writes to when nothing keeps it in its own folders. */
export const HOST_PATHS = [
  '/var/lib/kubelet',
  '/var/lib/cni',
  '/etc/cni/net.d/10-bridge.conflist',
  '/var/lib/demystify',
  '/run/demystify',
  '/var/log/pods',
  '/var/log/containers',
  '/run/containerd',
  '/var/lib/containerd',
];

/** What the host paths hold, three levels deep ("absent" when missing): a new Pod log folder shows. */
export function hostPaths(): Record<string, string[] | 'absent'> {
  const walk = (path: string, depth: number): string[] => {
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch {
      return [];
    }
    return names.flatMap((name) => [
      `${path}/${name}`,
      ...(depth > 1 ? walk(`${path}/${name}`, depth - 1) : []),
    ]);
  };
  const out: Record<string, string[] | 'absent'> = {};
  for (const path of HOST_PATHS) out[path] = existsSync(path) ? walk(path, 3) : 'absent';
  return out;
}

/** Mount points at or below any of `prefixes` (from /proc/self/mountinfo, octal escapes decoded). */
export function mountsUnder(prefixes: string[]): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((point) => prefixes.some((prefix) => point === prefix || point.startsWith(`${prefix}/`)));
}

/**
 * Processes that belong to a lesson: their working directory, root or command line is inside one of
 * `prefixes` (containers run with their root in containerd's state folder, shims with their cwd there).
 */
export function processesUnder(prefixes: string[]): string[] {
  const found: string[] = [];
  const inside = (path: string): boolean => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const root = readlinkSync(`/proc/${entry}/root`);
      if (inside(cwd) || inside(root) || prefixes.some((p) => cmdline.includes(p)))
        found.push(`${entry} ${cmdline}`);
    } catch {
      // Gone meanwhile, or a kernel thread.
    }
  }
  return found;
}

/**
 * Take the machine-wide lock of the real-cluster test (`flock` on a file in /tmp): the built-in lesson's
 * containerd socket and run folders are fixed paths, so two runs on one machine (another checkout's tests,
 * a rehearsal) must take turns. Resolves once held; the function it returns releases it.
 */
export async function holdClusterLock(file = '/tmp/demystify-cluster-test.lock'): Promise<() => void> {
  const child = spawn('flock', [file, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`flock ${file} exited with ${String(code)}`)));
  });
  return () => {
    child.stdin.end();
    child.kill('SIGTERM');
  };
}
