// Test material for the real-cluster test: the Kubernetes v1.28.7 server binaries from ../shared/kubernetes,
// a mirror serving them (and Debian's etcd) at their upstream paths, and two tiny images built from
// busybox-static. None of it is shipped; every stand-in says what it is.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { c as createTar } from 'tar';
import { resolveArtifact } from '../../src/adapters/fetch/resolve.js';
import type { Arch } from '../../src/adapters/fetch/arch.js';
import type { ArtifactSpec } from '../../src/lesson/model.js';
import { buildBusyboxOci } from './bundle-oci.js';

/** The Kubernetes version of the test binaries (never the lesson's pinned one: the run says so). */
export const TEST_KUBERNETES = '1.28.7';
const ARCHIVE = `kubernetes-v${TEST_KUBERNETES}-linux-amd64.tar.xz`;
const ARCHIVE_SHA256 = '8201ad9b9fcbdf36d3b1cc3c23e9b2931aa815e06efe202531b58326b62a118a';
/** The programs the archive holds. */
export const KUBERNETES_PROGRAMS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'kubectl',
];

/**
 * Where the archive is: `$DEMYSTIFY_K8S_ARCHIVE`, else `shared/kubernetes/` beside the repository (or beside
 * the folder it was cloned from). Undefined when there is none: the caller fails, it does not skip.
 */
export function kubernetesArchive(root: string): string | undefined {
  const candidates = [
    process.env.DEMYSTIFY_K8S_ARCHIVE,
    join(root, '..', 'shared', 'kubernetes', ARCHIVE),
    join('/work/shared/kubernetes', ARCHIVE),
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!));
}

/** Unpack the archive into `dir` after checking its sha256 (the README's). */
export async function unpackKubernetes(archive: string, dir: string): Promise<void> {
  const digest = createHash('sha256')
    .update(await readFile(archive))
    .digest('hex');
  if (digest !== ARCHIVE_SHA256) throw new Error(`${archive}: sha256 ${digest}, expected ${ARCHIVE_SHA256}`);
  await mkdir(dir, { recursive: true });
  await execa('tar', ['-xJf', archive, '-C', dir]);
}

/** Debian's etcd version, as `etcd --version` prints it. */
export async function machineEtcdVersion(): Promise<string> {
  const { stdout } = await execa('etcd', ['--version']);
  const match = /etcd Version: (\S+)/.exec(stdout);
  if (!match) throw new Error(`cannot read etcd's version from: ${stdout}`);
  return match[1]!;
}

/**
 * A mirror of the release files the run needs, at the paths of their official URLs with the checksum files
 * those projects publish: the real Kubernetes binaries (`.sha256`, hex only, as dl.k8s.io), and Debian's
 * etcd and etcdctl packed as etcd's release tarball (`SHA256SUMS`). The repacked etcd is a stand-in for the
 * upstream tarball, which cannot be downloaded here; its programs are Debian's real etcd. Artifacts of the
 * container runtime are left out (the run uses the machine's, `runtime=system`), and so is helm: the default
 * options must not need it. Returns the mirror paths written.
 */
export async function buildClusterMirror(
  mirrorDir: string,
  artifacts: ArtifactSpec[],
  options: { arch: Arch; versions: Record<string, string>; kubernetesDir: string },
): Promise<string[]> {
  const written: string[] = [];
  const place = async (url: string, data: Buffer | string, append = false): Promise<void> => {
    const path = join(mirrorDir, new URL(url).pathname);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data, append ? { flag: 'a' } : {});
    written.push(new URL(url).pathname);
  };
  for (const spec of artifacts) {
    const version = options.versions[spec.name];
    const artifact = resolveArtifact(spec, {
      arch: options.arch,
      ...(version ? { versions: { [spec.name]: version } } : {}),
    });
    let data: Buffer;
    if (KUBERNETES_PROGRAMS.includes(spec.name)) {
      data = await readFile(join(options.kubernetesDir, spec.name));
    } else if (spec.name === 'etcd') {
      data = await packEtcd(artifact.extract);
    } else {
      continue;
    }
    await place(artifact.url, data);
    const digest = createHash('sha256').update(data).digest('hex');
    const sumsUrl = artifact.sha256Url ?? `${artifact.url}.sha256`;
    if (sumsUrl.endsWith('.sha256')) await place(sumsUrl, `${digest}\n`);
    else await place(sumsUrl, `${digest}  ${artifact.file}\n`, true);
  }
  return written;
}

/** Debian's etcd and etcdctl at the archive paths the lesson extracts (`etcd-vX-linux-ARCH/etcd`...). */
async function packEtcd(extract: Record<string, string>): Promise<Buffer> {
  const tree = await mkdtemp(join(tmpdir(), 'dm-etcd-tree-'));
  try {
    for (const [entry, name] of Object.entries(extract)) {
      await mkdir(dirname(join(tree, entry)), { recursive: true });
      await copyFile(`/usr/bin/${name}`, join(tree, entry));
    }
    const file = join(tree, 'release.tar.gz');
    await createTar({ gzip: true, file, cwd: tree, portable: true }, Object.keys(extract));
    return await readFile(file);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}

/** The page the web server stand-in serves: the lesson's checks look for "Welcome to nginx". */
const WELCOME =
  '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n<p>Welcome to nginx! (demystify test image: busybox httpd, not nginx)</p>\n';

/**
 * The lesson's two images as OCI archives made from busybox-static, by the lesson's references: a pause
 * image that waits for a signal and exits on it (as pause does), and a web server (busybox httpd on port 80)
 * answering with a page that says "Welcome to nginx". Test stand-ins, never shipped.
 */
export async function buildClusterImages(arch: Arch): Promise<{ ref: string; archive: Buffer }[]> {
  return [
    {
      ref: 'registry.k8s.io/pause:3.10.2',
      archive: await buildBusyboxOci({
        tag: '3.10.2',
        arch,
        cmd: ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"],
      }),
    },
    {
      ref: 'docker.io/library/nginx:1.28.0-alpine',
      archive: await buildBusyboxOci({
        tag: '1.28.0-alpine',
        arch,
        files: { 'www/index.html': WELCOME },
        // httpd as PID 1 would ignore SIGTERM, and every Pod deletion would wait its 30 s grace period.
        cmd: ['/bin/sh', '-c', "trap 'exit 0' TERM INT; /bin/busybox httpd -f -p 80 -h /www & wait $!"],
      }),
    },
  ];
}
