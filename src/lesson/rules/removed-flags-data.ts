/**
 * Command-line flags that Kubernetes removed, per program, with the minor version that removed them.
 * A lesson pinning that version or a later one fails on them ("unknown flag"). Each entry names where the
 * removal is recorded, so the table can be checked and extended.
 */
export interface RemovedFlag {
  /** Programs that lost the flag. */
  programs: readonly string[];
  /** The flag, with its leading dashes. */
  flag: string;
  /** Every flag starting with `flag` (e.g. the `--docker*` family). */
  prefix?: boolean;
  /** Only this value of the flag was removed (`--proxy-mode=userspace`). */
  value?: string;
  /** Only under this subcommand (`kubectl version --short`). */
  subcommand?: string;
  /** `MAJOR.MINOR` of the first release without it. */
  removedIn: string;
  /** What to do instead, for the message. */
  instead: string;
  /** Where the removal is recorded. */
  source: string;
}

const KUBELET = ['kubelet'] as const;
const CONTROL_PLANE = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
const COMPONENTS = [...CONTROL_PLANE, 'kubelet', 'kube-proxy'] as const;

/** The dockershim flags the kubelet dropped with dockershim itself. */
const DOCKERSHIM_FLAGS = [
  '--network-plugin',
  '--network-plugin-mtu',
  '--cni-bin-dir',
  '--cni-conf-dir',
  '--cni-cache-dir',
  '--image-pull-progress-deadline',
  '--experimental-dockershim-root-directory',
];

/** klog's own flags, which Kubernetes components stopped accepting (redirect the output instead). */
const KLOG_FLAGS = [
  '--log-dir',
  '--log-file',
  '--log-file-max-size',
  '--logtostderr',
  '--alsologtostderr',
  '--one-output',
  '--stderrthreshold',
  '--skip-log-headers',
  '--add-dir-header',
  '--skip-headers',
  '--log-backtrace-at',
];

/** The table the `removed-flag` rule checks. */
export const REMOVED_FLAGS: readonly RemovedFlag[] = [
  {
    programs: KUBELET,
    flag: '--container-runtime',
    removedIn: '1.27',
    instead:
      'drop it: the kubelet only speaks CRI now; keep --container-runtime-endpoint (or containerRuntimeEndpoint in its --config file)',
    source: 'https://github.com/kubernetes/kubernetes/pull/114017',
  },
  ...DOCKERSHIM_FLAGS.map((flag) => ({
    programs: KUBELET,
    flag,
    removedIn: '1.24',
    instead:
      'drop it: the container runtime (containerd) runs the CNI plugins now, configured in its own config file',
    source: 'https://github.com/kubernetes/kubernetes/pull/106907',
  })),
  {
    programs: KUBELET,
    flag: '--docker',
    prefix: true,
    removedIn: '1.24',
    instead:
      'drop it: dockershim is gone; use containerd (or cri-dockerd) through --container-runtime-endpoint',
    source: 'https://github.com/kubernetes/kubernetes/pull/106907',
  },
  {
    programs: KUBELET,
    flag: '--keep-terminated-pod-volumes',
    removedIn: '1.30',
    instead: 'drop it (deprecated since 1.8)',
    source: 'https://github.com/kubernetes/kubernetes/pull/122082',
  },
  {
    programs: KUBELET,
    flag: '--pod-infra-container-image',
    removedIn: '1.35',
    instead:
      "drop it: the sandbox (pause) image is the container runtime's setting (containerd: pinned_images.sandbox)",
    source: 'https://github.com/kubernetes/kubernetes/pull/133779',
  },
  ...['--insecure-port', '--insecure-bind-address', '--address', '--port'].map((flag) => ({
    programs: ['kube-apiserver'],
    flag,
    removedIn: '1.24',
    instead: 'drop it: the API server serves only HTTPS, on --secure-port and --bind-address',
    source: 'https://github.com/kubernetes/kubernetes/pull/106859',
  })),
  {
    programs: ['kube-controller-manager', 'kube-scheduler'],
    flag: '--address',
    removedIn: '1.24',
    instead: 'use --bind-address (insecure serving is gone; health is on https://127.0.0.1:10257 or :10259)',
    source: 'https://github.com/kubernetes/kubeadm/issues/2207',
  },
  {
    programs: ['kube-controller-manager'],
    flag: '--port',
    removedIn: '1.24',
    instead: 'use --secure-port (insecure serving is gone)',
    source: 'https://github.com/kubernetes/kubeadm/issues/2207',
  },
  ...KLOG_FLAGS.map((flag) => ({
    programs: COMPONENTS,
    flag,
    removedIn: '1.26',
    instead: "drop it: components log to stderr; redirect it (the lesson's session keeps the log)",
    source: 'https://github.com/kubernetes/kubernetes/pull/112120',
  })),
  {
    programs: ['kube-proxy'],
    flag: '--proxy-mode',
    value: 'userspace',
    removedIn: '1.26',
    instead: 'use --proxy-mode=iptables (the default) or nftables',
    source: 'https://github.com/kubernetes/kubernetes/pull/112133',
  },
  {
    programs: ['kubectl'],
    subcommand: 'version',
    flag: '--short',
    removedIn: '1.28',
    instead: "drop it: 'kubectl version' prints the short form by default",
    source: 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.28.md',
  },
];
