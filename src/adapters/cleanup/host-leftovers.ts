import { createHash } from 'node:crypto';
import { lstat, readdir, readlink, rm, rmdir } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve } from 'node:path';
import type { Leftovers } from '../../lesson/model.js';

/**
 * What a one-node cluster writes outside the lesson's own folders, where no setting of these versions moves
 * it, and how to find exactly the lesson's part of it:
 * - the kubelet's Pod logs: `/var/log/pods/NAMESPACE_POD_UID` for each Pod UID under its `--root-dir`
 *   (`podLogsDir` exists only from 1.29), and the `/var/log/containers/*.log` links into them;
 * - libcni's cache of attachments, `/var/lib/cni/results/NETWORK-CONTAINERID-IFNAME`, by network name;
 * - the kubelet's device-plugin socket, `/var/lib/kubelet/device-plugins/kubelet.sock`, whatever its root;
 * - the runc shims' sockets, `/run/containerd/s/HASH`, where containerd 1.6 to 2.x put them whatever their
 *   state folder: HASH is sha256(address/namespace/id) for each task under the lesson's containerd state.
 * Folders that were absent when the lesson first ran (`absentAtStart`) are removed once empty; nothing else
 * of the machine is touched.
 */

/** The machine's folders these leftovers live in, outermost first. */
const KUBELET_DEFAULT = '/var/lib/kubelet';
const CNI_RESULTS = '/var/lib/cni/results';
const SHIM_SOCKETS = '/run/containerd/s';
const HOST_FOLDERS = {
  kubelet: [KUBELET_DEFAULT, `${KUBELET_DEFAULT}/device-plugins`],
  podLogs: '/var/log/pods',
  containerLogs: '/var/log/containers',
  cni: ['/var/lib/cni', CNI_RESULTS],
  shims: ['/run/containerd', SHIM_SOCKETS],
};

/** Where the host folders are (tests point them into a temporary folder). */
export interface LeftoverRoots {
  /** The kubelet's default root, where these versions keep the device-plugin socket whatever --root-dir. */
  kubeletDefault: string;
  podLogs: string;
  containerLogs: string;
  cniResults: string;
  shimSockets: string;
}

const DEFAULT_ROOTS: LeftoverRoots = {
  kubeletDefault: KUBELET_DEFAULT,
  podLogs: HOST_FOLDERS.podLogs,
  containerLogs: HOST_FOLDERS.containerLogs,
  cniResults: CNI_RESULTS,
  shimSockets: SHIM_SOCKETS,
};

/** Every host folder a lesson with these leftovers may create (for `absentAtStart`), outermost first. */
export function leftoverFolders(leftovers: Leftovers | undefined): string[] {
  if (!leftovers) return [];
  return [
    ...(leftovers.kubelet ? [...HOST_FOLDERS.kubelet, HOST_FOLDERS.podLogs, HOST_FOLDERS.containerLogs] : []),
    ...(leftovers.cniNetwork ? HOST_FOLDERS.cni : []),
    ...(leftovers.containerd ? HOST_FOLDERS.shims : []),
  ];
}

/** The socket path a runc shim of this containerd listens on for a task (containerd's `SocketAddress`). */
export function shimSocket(
  address: string,
  namespace: string,
  id: string,
  dir = DEFAULT_ROOTS.shimSockets,
): string {
  const digest = createHash('sha256')
    .update(posix.join(address, namespace, id))
    .digest('hex');
  return join(dir, digest);
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function isSocket(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isSocket(),
    () => false,
  );
}

/** Where containerd's CRI keeps a folder per live sandbox, under its state folder. */
const CRI_SANDBOXES = 'io.containerd.grpc.v1.cri/sandboxes';

/** The tasks (running containers and sandboxes) under a containerd state folder, by namespace. */
async function containerdTasks(state: string): Promise<{ namespace: string; id: string }[]> {
  const root = join(state, 'io.containerd.runtime.v2.task');
  const out: { namespace: string; id: string }[] = [];
  for (const namespace of await list(root))
    for (const id of await list(join(root, namespace))) out.push({ namespace, id });
  return out;
}

/** The UIDs of the Pods the lesson's kubelet has now (its `--root-dir`'s `pods/`). */
export async function kubeletPods(leftovers: Leftovers | undefined, workdir: string): Promise<string[]> {
  if (!leftovers?.kubelet) return [];
  const root = isAbsolute(leftovers.kubelet) ? leftovers.kubelet : resolve(workdir, leftovers.kubelet);
  return list(join(root, 'pods'));
}

/**
 * Remove what the lesson's components left on the machine; returns the paths removed. `kubeletPods` are
 * the Pods noted during the run: a deleted Pod's folder is gone from the kubelet's, its logs are not.
 */
export async function removeHostLeftovers(
  recorded: { leftovers?: Leftovers; kubeletPods?: string[]; absentAtStart?: string[] },
  workdir: string,
  roots: LeftoverRoots = DEFAULT_ROOTS,
): Promise<string[]> {
  const leftovers = recorded.leftovers;
  if (!leftovers) return [];
  const removed: string[] = [];
  const remove = async (path: string): Promise<void> => {
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  };
  if (leftovers.kubelet) {
    const uids = new Set([...(recorded.kubeletPods ?? []), ...(await kubeletPods(leftovers, workdir))]);
    const podDirs = (await list(roots.podLogs)).filter((name) => uids.has(name.split('_').at(-1) ?? ''));
    const podPaths = new Set(podDirs.map((name) => join(roots.podLogs, name)));
    for (const link of await list(roots.containerLogs)) {
      const path = join(roots.containerLogs, link);
      const target = await readlink(path).catch(() => '');
      if ([...podPaths].some((dir) => target.startsWith(`${dir}/`))) await remove(path);
    }
    for (const path of podPaths) await remove(path);
  }
  // The containers and sandboxes still known to the lesson's containerd: a killed one never ran its CNI
  // DEL, so its cache files (`NETWORK-ID-IF`, the loopback's `cni-loopback-ID-lo` too) and its shim's socket
  // are still there.
  const tasks = leftovers.containerd ? await containerdTasks(leftovers.containerd.state) : [];
  const ids = new Set([
    ...tasks.map((t) => t.id),
    ...(leftovers.containerd ? await list(join(leftovers.containerd.state, CRI_SANDBOXES)) : []),
  ]);
  for (const name of await list(roots.cniResults)) {
    const id = /^.+-([0-9a-f]{64})-[^-]+$/.exec(name)?.[1];
    const ours = (id && ids.has(id)) || (leftovers.cniNetwork && name.startsWith(`${leftovers.cniNetwork}-`));
    if (ours) await remove(join(roots.cniResults, name));
  }
  for (const { namespace, id } of tasks) {
    const socket = shimSocket(leftovers.containerd!.address, namespace, id, roots.shimSockets);
    if (await isSocket(socket)) await remove(socket);
  }
  // The kubelet's device-plugin socket is not under its --root-dir in these versions: it is the lesson's
  // only when the kubelet's default folder did not exist before the lesson ran.
  const pluginSocket = join(roots.kubeletDefault, 'device-plugins', 'kubelet.sock');
  if (
    leftovers.kubelet &&
    recorded.absentAtStart?.includes(roots.kubeletDefault) &&
    (await isSocket(pluginSocket))
  )
    await remove(pluginSocket);
  return removed;
}

/**
 * Remove the folders that were absent when the lesson first ran, innermost first, each only if it is now
 * empty (rmdir): a folder something else put files in meanwhile stays.
 */
export async function removeEmptyFolders(absentAtStart: string[]): Promise<string[]> {
  const removed: string[] = [];
  const deepestFirst = [...absentAtStart].sort((a, b) => b.length - a.length);
  for (const dir of deepestFirst) {
    if (
      await rmdir(dir).then(
        () => true,
        () => false,
      )
    )
      removed.push(dir);
  }
  return removed;
}

/**
 * The host folders a lesson may create that do not exist yet: those its leftovers live in, and the parent
 * of each absolute reset path (`/run/demystify` for `/run/demystify/<lesson-id>`).
 */
export async function absentFolders(reset: string[], leftovers: Leftovers | undefined): Promise<string[]> {
  const parents = reset.filter((path) => isAbsolute(path)).map((path) => posix.dirname(path));
  const candidates = [...new Set([...leftoverFolders(leftovers), ...parents])].filter((dir) => dir !== '/');
  const absent: string[] = [];
  for (const dir of candidates)
    if (
      !(await lstat(dir).then(
        () => true,
        () => false,
      ))
    )
      absent.push(dir);
  return absent;
}
