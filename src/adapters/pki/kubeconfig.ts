import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { DemystifyError } from '../../errors.js';
import { mismatch, parseCertFile, parseKeyFile } from './existing.js';
import { nodePkiFs, PRIVATE_MODE, type PkiFs } from './files.js';
import { keyMatches, signedBy, summarize } from './forge-build.js';
import { CA_CERT_FILE, certFile, COMPONENT_KUBECONFIGS, keyFile } from './profiles.js';

/** The default cluster name in kubeconfigs demystify writes. */
export const DEFAULT_CLUSTER = 'demystify';
/** The API server address of the lesson's one node. */
export const DEFAULT_SERVER = 'https://127.0.0.1:6443';

/** Everything one kubeconfig holds: names, the server, and the PEM texts it embeds. */
export interface KubeconfigInput {
  cluster: string;
  server: string;
  user: string;
  /** Context name (default: the user name). */
  context?: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A kubeconfig document, as `kubectl config view --raw` shows it. */
export interface Kubeconfig {
  apiVersion: 'v1';
  clusters: { cluster: { 'certificate-authority-data': string; server: string }; name: string }[];
  contexts: { context: { cluster: string; user: string }; name: string }[];
  'current-context': string;
  kind: 'Config';
  preferences: Record<string, never>;
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * The document `kubectl config set-cluster --embed-certs`, `set-credentials --embed-certs`, `set-context`
 * and `use-context` build: the files' bytes base64-encoded, keys in kubectl's order.
 */
export function buildKubeconfig(input: KubeconfigInput): Kubeconfig {
  const context = input.context ?? input.user;
  return {
    apiVersion: 'v1',
    clusters: [
      {
        cluster: { 'certificate-authority-data': base64(input.caPem), server: input.server },
        name: input.cluster,
      },
    ],
    contexts: [{ context: { cluster: input.cluster, user: input.user }, name: context }],
    'current-context': context,
    kind: 'Config',
    preferences: {},
    users: [
      {
        name: input.user,
        user: { 'client-certificate-data': base64(input.certPem), 'client-key-data': base64(input.keyPem) },
      },
    ],
  };
}

/**
 * The YAML text of a kubeconfig, byte for byte what kubectl writes: lists not indented under their key
 * (Go's yaml style) and base64 lines never folded.
 */
export function renderKubeconfig(config: Kubeconfig): string {
  return dump(config, { lineWidth: -1, noRefs: true, seqNoIndent: true });
}

/** Where a kubeconfig's material comes from, and the names to give it. */
export interface KubeconfigSource {
  caPath: string;
  certPath: string;
  keyPath: string;
  server?: string;
  cluster?: string;
  /** User name (default: the certificate's CN, the name Kubernetes authenticates). */
  user?: string;
  context?: string;
}

/** Read the files and check they belong together: the key opens the certificate, the CA signed it. */
export async function loadKubeconfigInput(
  source: KubeconfigSource,
  fs: PkiFs = nodePkiFs,
): Promise<KubeconfigInput> {
  const [caPem, certPem, keyPem] = await readAllRequired(fs, [
    source.caPath,
    source.certPath,
    source.keyPath,
  ]);
  const ca = parseCertFile(source.caPath, caPem);
  const cert = parseCertFile(source.certPath, certPem);
  const key = parseKeyFile(source.keyPath, keyPem);
  if (!keyMatches(cert.publicKey, key)) {
    throw mismatch('PKI_KEY_MISMATCH', `${source.certPath} does not match its key ${source.keyPath}`);
  }
  if (!signedBy(cert, ca)) {
    throw mismatch('PKI_NOT_SIGNED_BY_CA', `${source.certPath} was not signed by the CA in ${source.caPath}`);
  }
  return {
    cluster: source.cluster ?? DEFAULT_CLUSTER,
    server: source.server ?? DEFAULT_SERVER,
    user: source.user ?? summarize(cert).cn,
    ...(source.context === undefined ? {} : { context: source.context }),
    caPem,
    certPem,
    keyPem,
  };
}

/** Whether a kubeconfig file was written or already held exactly this content. */
export type KubeconfigAction = 'written' | 'kept';

/**
 * Write a kubeconfig atomically, 0600 (it embeds a private key); a file that already says the same is kept.
 * A character device or FIFO (`/dev/null`, a pipe) is written in place, never replaced.
 */
export async function writeKubeconfig(
  path: string,
  input: KubeconfigInput,
  fs: PkiFs = nodePkiFs,
): Promise<KubeconfigAction> {
  const text = renderKubeconfig(buildKubeconfig(input));
  if ((await fs.readReplaceable(path)) === text) return 'kept';
  await fs.writeAtomic(path, text, PRIVATE_MODE);
  return 'written';
}

/** One kubeconfig file of `writeComponentKubeconfigs`. */
export interface KubeconfigFile {
  path: string;
  user: string;
  action: KubeconfigAction;
}

/**
 * One kubeconfig per component of the per-component profile (admin.conf, kube-controller-manager.conf,
 * kube-scheduler.conf, kube-proxy.conf, kubelet.conf), each with its own certificate and user name.
 */
export async function writeComponentKubeconfigs(
  options: { dir: string; outDir: string; server?: string; cluster?: string },
  fs: PkiFs = nodePkiFs,
): Promise<KubeconfigFile[]> {
  const dir = resolve(options.dir);
  const outDir = resolve(options.outDir);
  const inputs = await Promise.all(
    COMPONENT_KUBECONFIGS.map((spec) =>
      loadKubeconfigInput(
        {
          caPath: join(dir, CA_CERT_FILE),
          certPath: join(dir, certFile(spec.cert)),
          keyPath: join(dir, keyFile(spec.cert)),
          ...(options.server === undefined ? {} : { server: options.server }),
          ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
        },
        fs,
      ),
    ),
  );
  await fs.mkdirp(outDir);
  const files: KubeconfigFile[] = [];
  for (const [i, spec] of COMPONENT_KUBECONFIGS.entries()) {
    const input = inputs[i] as KubeconfigInput;
    const path = join(outDir, spec.file);
    files.push({ path, user: input.user, action: await writeKubeconfig(path, input, fs) });
  }
  return files;
}

/**
 * Read every file; when some are missing, one error names them all, in the order given (the reads run
 * together, and the first to fail must not decide what the user is told).
 */
async function readAllRequired<T extends string[]>(
  fs: PkiFs,
  paths: [...T],
): Promise<{ [K in keyof T]: string }> {
  const texts = await Promise.all(paths.map((path) => fs.read(path)));
  const missing = paths.filter((_, i) => texts[i] === undefined);
  if (missing.length > 0) {
    throw new DemystifyError(
      'PKI_FILE_MISSING',
      `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`,
      {
        hint: 'run demystify pki first (with --profile per-component for one kubeconfig per component)',
      },
    );
  }
  return texts as { [K in keyof T]: string };
}
