/**
 * The PKI as a library, for anything that needs certificates without going through the CLI (a lesson
 * step, the runner): `ensurePki` makes or reuses a folder of certificates, the kubeconfig functions
 * write kubeconfigs that embed them. Both take their side effects in an optional `deps`.
 */
export { ensurePki, type PkiFile, type PkiFileKind, type PkiOptions, type PkiResult } from './ensure.js';
export { defaultPkiDeps, type PkiDeps } from './deps.js';
export {
  buildKubeconfig,
  DEFAULT_CLUSTER,
  DEFAULT_SERVER,
  loadKubeconfigInput,
  renderKubeconfig,
  writeComponentKubeconfigs,
  writeKubeconfig,
  type Kubeconfig,
  type KubeconfigFile,
  type KubeconfigInput,
  type KubeconfigSource,
} from './kubeconfig.js';
export {
  COMPONENT_KUBECONFIGS,
  leafSpecs,
  PKI_PROFILES,
  type LeafSpec,
  type PkiProfile,
} from './profiles.js';
export { DEFAULT_SERVICE_CIDR, firstServiceAddress } from './sans.js';
