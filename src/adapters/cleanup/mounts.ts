import { readFile, realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import { DemystifyError } from '../../errors.js';
import { runFile } from '../processes/exec-file.js';

/**
 * The mounts a lesson's components leave behind (kubelet's bind mount of its root dir on itself, a tmpfs
 * per Pod token volume, containerd's shm and overlay rootfs mounts, Pods' network namespaces as nsfs bind
 * mounts): found in `/proc/self/mountinfo` and unmounted, deepest first, before a reset or a purge removes
 * the folders they sit in. Only mounts at or below the paths asked for are ever touched.
 */

/** One line of `/proc/self/mountinfo`, the fields clean-up needs. */
export interface MountEntry {
  id: number;
  parentId: number;
  /** Where it is mounted, decoded (`\040` is a space). */
  mountPoint: string;
  /** File system type: `tmpfs`, `overlay`, `nsfs`, `ext4`... */
  fsType: string;
  source: string;
  /** Its line in mountinfo (0-based): a later line was mounted later, on top of an earlier one. */
  order: number;
}

/** Decode mountinfo's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function decodeMountField(field: string): string {
  return field.replace(/(?:\\[0-7]{3})+/g, (run) =>
    Buffer.from(
      run
        .split('\\')
        .slice(1)
        .map((octal) => parseInt(octal, 8)),
    ).toString('utf8'),
  );
}

/**
 * Parse `/proc/self/mountinfo` (proc(5)): `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE
 * SOURCE SUPEROPTIONS`. Lines that do not have that shape are skipped.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  text.split('\n').forEach((line, order) => {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-', 6);
    const [id, parentId, mountPoint] = [Number(fields[0]), Number(fields[1]), fields[4]];
    if (dash === -1 || !Number.isInteger(id) || !Number.isInteger(parentId) || !mountPoint) return;
    out.push({
      id,
      parentId,
      mountPoint: decodeMountField(mountPoint),
      fsType: fields[dash + 1] ?? '',
      source: decodeMountField(fields[dash + 2] ?? ''),
      order,
    });
  });
  return out;
}

/** Whether `path` is `root` or inside it (by path components: `/a/bc` is not inside `/a/b`). */
export function isAtOrBelow(path: string, root: string): boolean {
  const [p, r] = [posix.resolve(path), posix.resolve(root)];
  return p === r || p.startsWith(r === '/' ? '/' : `${r}/`);
}

/** How deep a path is: its number of components (`/` is 0). */
function depth(path: string): number {
  return posix.resolve(path).split('/').filter(Boolean).length;
}

/**
 * The mounts to unmount for a folder, in the order to unmount them: deepest mount point first, and of
 * mounts on the same point the one mounted last (on top) first. `includeRoot: false` keeps a mount on the
 * folder itself (the work directory may sit on a file system of its own).
 */
export function mountsToUnmount(
  entries: readonly MountEntry[],
  root: string,
  options: { includeRoot?: boolean } = {},
): MountEntry[] {
  const includeRoot = options.includeRoot ?? true;
  return entries
    .filter((e) => isAtOrBelow(e.mountPoint, root))
    .filter((e) => includeRoot || posix.resolve(e.mountPoint) !== posix.resolve(root))
    .sort((a, b) => depth(b.mountPoint) - depth(a.mountPoint) || b.order - a.order);
}

/** What one `umount` gave: done, busy (a process still uses it), already gone, or another failure. */
export type UnmountStatus = 'ok' | 'busy' | 'gone' | 'failed';

/** The effects, injectable: tests pass fakes. */
export interface MountOps {
  /** The text of `/proc/self/mountinfo`. */
  mountInfo(): Promise<string>;
  /** Unmount the top mount on `path`; `lazy` detaches it even while in use (`umount -l`). */
  unmount(path: string, lazy: boolean): Promise<{ status: UnmountStatus; message: string }>;
  /** The canonical form of a path, to compare with mountinfo's (symlinks resolved). */
  canonical(path: string): Promise<string>;
}

/** Classify `umount`'s complaint (util-linux prints the kernel's reason). */
export function unmountStatus(exitCode: number | undefined, stderr: string): UnmountStatus {
  if (exitCode === 0) return 'ok';
  if (/target is busy|device or resource busy/i.test(stderr)) return 'busy';
  if (/not mounted|no mount point specified|no such file or directory/i.test(stderr)) return 'gone';
  return 'failed';
}

/** The real machine: util-linux `umount`, run directly (no shell); through `sudo -n` when not root. */
export const defaultMountOps: MountOps = {
  mountInfo: () => readFile('/proc/self/mountinfo', 'utf8'),
  async unmount(path, lazy) {
    const args = [...(lazy ? ['-l'] : []), '--', path];
    let result = await runFile('umount', args);
    if (result.exitCode !== 0 && process.getuid?.() !== 0 && /superuser|not permitted/i.test(result.stderr))
      result = await runFile('sudo', ['-n', 'umount', ...args]);
    const message =
      result.errorCode === 'ENOENT' ? 'umount: not found' : (result.stderr || result.stdout).trim();
    const status = result.errorCode === 'ENOENT' ? 'failed' : unmountStatus(result.exitCode, result.stderr);
    return { status, message };
  },
  canonical: (path) => realpath(path).catch(() => posix.resolve(path)),
};

/** What {@link unmountBelow} did. */
export interface UnmountResult {
  /** Mount points unmounted (one per mount: a point mounted twice is listed twice). */
  unmounted: string[];
  /** Of those, the ones that were busy and were detached lazily (`umount -l`). */
  detached: string[];
}

/** Passes over mountinfo: a mount hidden under another one is reachable once that one is gone. */
const MAX_PASSES = 8;

/**
 * Unmount every mount at or below `root` (strictly below with `includeRoot: false`), deepest first. A
 * busy mount is detached lazily; one that is already gone is fine. Reads mountinfo again after each pass
 * until nothing is left below `root`, and throws a DemystifyError when something stays mounted, so the
 * caller never removes a folder with a file system still mounted in it.
 */
export async function unmountBelow(
  root: string,
  options: { includeRoot?: boolean } = {},
  ops: MountOps = defaultMountOps,
): Promise<UnmountResult> {
  const target = await ops.canonical(root);
  if (target === '/') throw new DemystifyError('UNMOUNT_ROOT', 'refusing to unmount everything below /');
  const result: UnmountResult = { unmounted: [], detached: [] };
  let failures: string[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const left = mountsToUnmount(parseMountInfo(await ops.mountInfo()), target, options);
    if (left.length === 0) return result;
    failures = [];
    let progress = false;
    for (const mount of left) {
      let outcome = await ops.unmount(mount.mountPoint, false);
      const busy = outcome.status === 'busy';
      if (busy) outcome = await ops.unmount(mount.mountPoint, true);
      if (outcome.status === 'ok') {
        progress = true;
        result.unmounted.push(mount.mountPoint);
        if (busy) result.detached.push(mount.mountPoint);
      } else if (outcome.status !== 'gone') {
        failures.push(outcome.message || `${mount.mountPoint}: ${outcome.status}`);
      }
    }
    // Nothing came off: another pass would do the same.
    if (!progress) break;
  }
  const left = mountsToUnmount(parseMountInfo(await ops.mountInfo()), target, options);
  if (left.length === 0) return result;
  throw new DemystifyError(
    'UNMOUNT_FAILED',
    `cannot unmount ${left.map((m) => m.mountPoint).join(', ')}${failures.length ? ` (${failures.join('; ')})` : ''}`,
    {
      hint: `clean-up needs root to unmount what the lesson mounted; see findmnt -R ${target}, unmount it by hand (umount -l) and run the command again`,
    },
  );
}
