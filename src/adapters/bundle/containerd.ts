import { DemystifyError } from '../../errors.js';
import type { Component } from '../../lesson/model.js';
import { failureMessage, runFile } from '../processes/exec-file.js';

/** The default containerd socket (the one kubelet is pointed at in the lesson). */
export const DEFAULT_CONTAINERD_ADDRESS = '/run/containerd/containerd.sock';

/**
 * The containerd socket a lesson uses: the unix probe of its `containerd` component (the lesson waits on
 * it), else the default.
 */
export function lessonContainerdAddress(components: Record<string, Component> | undefined): string {
  const probes = Object.entries(components ?? {})
    .sort(([a], [b]) => Number(b === 'containerd') - Number(a === 'containerd'))
    .flatMap(([, component]) => component.ready);
  const unix = probes.find((probe) => probe.kind === 'unix' && /containerd\.sock$/.test(probe.path));
  return unix?.kind === 'unix' ? unix.path : DEFAULT_CONTAINERD_ADDRESS;
}

/** The namespace kubelet's CRI uses: images elsewhere are invisible to it. */
const K8S_NAMESPACE = 'k8s.io';

/** What running `ctr` returns. */
export interface CtrResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `ctr --address ADDRESS -n k8s.io ARGS...`; injectable so image logic is unit-testable. */
export type CtrRunner = (args: string[]) => Promise<CtrResult>;

/** A runner of the real `ctr` binary (`ctrPath`, default `ctr` from PATH) against `address`. */
export function ctrRunner(address: string, ctrPath = 'ctr', timeoutMs = 600_000): CtrRunner {
  return async (args) => {
    const argv = ['--address', address, '--connect-timeout', '3s', '-n', K8S_NAMESPACE, ...args];
    const result = await runFile(ctrPath, argv, {
      timeoutMs,
      killSignal: 'SIGTERM',
      stripFinalNewline: true,
    });
    if (result.exitCode === undefined) {
      const why = failureMessage(ctrPath, argv, result, timeoutMs);
      throw new DemystifyError('CTR_MISSING', `cannot run ${ctrPath}: ${why}`, {
        hint: 'ctr comes with containerd: run demystify fetch, or install containerd',
      });
    }
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  };
}

/** Whether a containerd answers at the runner's address. */
export async function containerdAnswers(ctr: CtrRunner, waitMs = 0): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      if ((await ctr(['version'])).exitCode === 0) return true;
    } catch {
      // Not there (yet): asked again below while the wait lasts.
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Image references in containerd's k8s.io namespace. */
export async function listImages(ctr: CtrRunner): Promise<string[]> {
  const result = await ctr(['images', 'ls', '-q']);
  if (result.exitCode !== 0)
    throw new DemystifyError('CTR_FAILED', `ctr images ls failed: ${result.stderr.trim()}`);
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The repository part of a reference (`registry.k8s.io/pause:3.10` → `registry.k8s.io/pause`). */
export function repositoryOf(ref: string): string {
  const withoutDigest = ref.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * Import an OCI archive into the k8s.io namespace and unpack it for `arch`. The base name makes archives
 * that only carry a tag (`3.10`) land under the lesson's reference instead of `import-<date>:3.10`.
 */
export async function importImage(
  ctr: CtrRunner,
  file: string,
  ref: string,
  arch: string,
  snapshotter?: string,
): Promise<void> {
  const args = ['images', 'import', '--base-name', repositoryOf(ref), '--platform', `linux/${arch}`];
  if (snapshotter) args.push('--snapshotter', snapshotter);
  const result = await ctr([...args, file]);
  if (result.exitCode !== 0) {
    throw new DemystifyError(
      'IMAGE_IMPORT',
      `cannot import ${ref} from ${file}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
}

/** Export an image from containerd's k8s.io namespace into an OCI archive (for `bundle create`). */
export async function exportImage(ctr: CtrRunner, ref: string, file: string, arch: string): Promise<void> {
  const result = await ctr(['images', 'export', '--platform', `linux/${arch}`, file, ref]);
  if (result.exitCode !== 0) {
    throw new DemystifyError(
      'IMAGE_EXPORT',
      `cannot export ${ref} from containerd: ${result.stderr.trim()}`,
      {
        hint: `pull it first: ctr -n ${K8S_NAMESPACE} images pull --platform linux/${arch} ${ref}`,
      },
    );
  }
}
