/** The two sets of certificates `demystify pki` can make. */
export type PkiProfile = 'simple' | 'per-component';

/** Every profile name, for option validation and help. */
export const PKI_PROFILES: PkiProfile[] = ['simple', 'per-component'];

/** Which SANs a serving certificate carries: the machine's names, or those plus the API server's. */
export type SanKind = 'none' | 'machine' | 'apiserver';

/** One leaf certificate of a profile: file base name, subject, usages, SANs. */
export interface LeafSpec {
  /** Base of the file names: `<name>.pem` and `<name>-key.pem`. */
  name: string;
  /** Subject common name: Kubernetes takes it as the user name. */
  cn: string;
  /** Subject organizations: Kubernetes takes them as the user's groups. */
  o: string[];
  serverAuth: boolean;
  clientAuth: boolean;
  sans: SanKind;
  /** One line for learners, printed by docs and help. */
  purpose: string;
}

/** The CA's subject. Kubernetes does not read it; it names the cluster's trust root for humans. */
export const CA_SUBJECT = { cn: 'Kubernetes', o: ['demystify'], ou: 'CA' };

/** The CA certificate, as the tutorial names it. */
export const CA_CERT_FILE = 'ca.pem';
/** The CA's private key: whoever holds it can mint any identity. */
export const CA_KEY_FILE = 'ca-key.pem';
/** The service-account PUBLIC key (PEM `PUBLIC KEY`, not a certificate): verifies tokens. */
export const SERVICE_ACCOUNT_PUBLIC_FILE = 'service-account.pem';
/** The service-account private key: signs tokens. */
export const SERVICE_ACCOUNT_KEY_FILE = 'service-account-key.pem';

/** `<name>.pem`: a leaf's certificate file. */
export function certFile(name: string): string {
  return `${name}.pem`;
}

/** `<name>-key.pem`: a leaf's private key file. */
export function keyFile(name: string): string {
  return `${name}-key.pem`;
}

/**
 * The tutorial's one certificate: CN=admin in group system:masters (RBAC's built-in superuser group),
 * valid both to serve (API server, etcd) and to authenticate (every client), with every SAN.
 */
const SIMPLE_ADMIN: LeafSpec = {
  name: 'admin',
  cn: 'admin',
  o: ['system:masters'],
  serverAuth: true,
  clientAuth: true,
  sans: 'apiserver',
  purpose: 'the one certificate every component uses (server and client), as in the tutorial',
};

/**
 * The right way, as in Kubernetes the hard way and kubeadm: one identity per component. The subjects are
 * the exact user and group names the built-in RBAC bindings and the Node authorizer look for.
 */
function perComponent(nodeName: string): LeafSpec[] {
  return [
    leaf('kube-apiserver', 'kube-apiserver', [], 'server', 'apiserver', 'the API server serving certificate'),
    leaf(
      'apiserver-etcd-client',
      'kube-apiserver-etcd-client',
      [],
      'client',
      'none',
      'the API server, as a client of etcd',
    ),
    leaf(
      'apiserver-kubelet-client',
      'kube-apiserver-kubelet-client',
      ['system:masters'],
      'client',
      'none',
      'the API server, as a client of kubelets (logs, exec)',
    ),
    leaf('etcd-server', 'etcd-server', [], 'both', 'machine', 'etcd serving certificate'),
    leaf(
      'admin',
      'admin',
      ['system:masters'],
      'client',
      'none',
      'you, with kubectl: a cluster administrator',
    ),
    leaf(
      'kube-controller-manager',
      'system:kube-controller-manager',
      [],
      'client',
      'none',
      'the controller manager, as a client of the API server',
    ),
    leaf(
      'kube-scheduler',
      'system:kube-scheduler',
      [],
      'client',
      'none',
      'the scheduler, as a client of the API server',
    ),
    leaf(
      'kube-proxy',
      'system:kube-proxy',
      [],
      'client',
      'none',
      'kube-proxy, as a client of the API server',
    ),
    leaf(
      'kubelet',
      `system:node:${nodeName}`,
      ['system:nodes'],
      'both',
      'machine',
      'the kubelet: client of the API server (Node authorizer) and server of its own API',
    ),
  ];
}

function leaf(
  name: string,
  cn: string,
  o: string[],
  use: 'server' | 'client' | 'both',
  sans: SanKind,
  purpose: string,
): LeafSpec {
  return { name, cn, o, serverAuth: use !== 'client', clientAuth: use !== 'server', sans, purpose };
}

/** The leaf certificates of a profile, in the order they are written and listed. */
export function leafSpecs(profile: PkiProfile, nodeName: string): LeafSpec[] {
  return profile === 'simple' ? [SIMPLE_ADMIN] : perComponent(nodeName);
}

/** Whether a profile also makes the service-account key pair (the simple profile signs tokens with admin's key). */
export function hasServiceAccountKey(profile: PkiProfile): boolean {
  return profile === 'per-component';
}

/** One kubeconfig of the per-component profile: file, certificate base name. */
export interface KubeconfigSpec {
  file: string;
  cert: string;
}

/** The kubeconfigs `demystify kubeconfig --all` writes, one per component that talks to the API server. */
export const COMPONENT_KUBECONFIGS: KubeconfigSpec[] = [
  { file: 'admin.conf', cert: 'admin' },
  { file: 'kube-controller-manager.conf', cert: 'kube-controller-manager' },
  { file: 'kube-scheduler.conf', cert: 'kube-scheduler' },
  { file: 'kube-proxy.conf', cert: 'kube-proxy' },
  { file: 'kubelet.conf', cert: 'kubelet' },
];
