import { resolve } from 'node:path';
import type forge from 'node-forge';
import { UsageError } from '../../errors.js';
import { resolvePkiDeps, type PkiDeps } from './deps.js';
import { checkLeaf, checkValidNow, mismatch } from './existing.js';
import { PRIVATE_MODE, PUBLIC_MODE } from './files.js';
import * as build from './forge-build.js';
import { type Certificate } from './forge-build.js';
import * as profiles from './profiles.js';
import { loadServiceAccount, loadSlot, type Slot } from './slots.js';
import { defaultNodeName, normalizeDnsName, planSans, type SanPlan, type SanSet } from './sans.js';

/** What `demystify pki` is asked for. Only `dir` is required. */
export interface PkiOptions {
  dir: string;
  profile?: profiles.PkiProfile;
  /** Extra DNS names for the serving certificates (`--hostname`). */
  hostnames?: string[];
  /** Extra IP addresses for the serving certificates (`--ip`). */
  ips?: string[];
  /** The lesson's service CIDR; its first address goes in the API server's SANs (default 10.0.0.0/24). */
  serviceCidr?: string;
  /** The node's name in the kubelet's CN (default: this machine's hostname, lower-cased). */
  nodeName?: string;
  /** Validity of leaf certificates in days (default 365). */
  days?: number;
  /** Validity of the CA in days (default 10 years, and never less than `days`). */
  caDays?: number;
  /** RSA modulus size (default 2048). */
  keyBits?: number;
  /** Make everything anew, CA included, even when files exist. */
  force?: boolean;
}

/** The kind of one file of the PKI folder. */
export type PkiFileKind = 'ca-cert' | 'ca-key' | 'cert' | 'key' | 'public-key';

/** One file `ensurePki` wrote or kept as it was. */
export interface PkiFile {
  path: string;
  kind: PkiFileKind;
  action: 'written' | 'kept';
  /** Something a learner should know about a kept file (e.g. a SAN it lacks). */
  note?: string;
}

/** What `ensurePki` did: every file of the profile, in a stable order (each key before its certificate). */
export interface PkiResult {
  dir: string;
  profile: profiles.PkiProfile;
  nodeName: string;
  sans: SanPlan;
  files: PkiFile[];
}

type PrivateKey = forge.pki.rsa.PrivateKey;

/**
 * Make the folder hold a CA and the profile's certificates and keys: reuse what is there and fits
 * (a second run writes nothing), make what is missing, and refuse (before writing anything) files that
 * do not belong together: a CA that does not match its key, a certificate not signed by that CA.
 */
export async function ensurePki(options: PkiOptions, partialDeps: Partial<PkiDeps> = {}): Promise<PkiResult> {
  const deps = resolvePkiDeps(partialDeps);
  const dir = resolve(options.dir);
  const profile = options.profile ?? 'simple';
  if (!profiles.PKI_PROFILES.includes(profile))
    throw new UsageError(`unknown PKI profile '${String(profile)}'`);
  const days = positiveInteger(options.days ?? 365, 'days');
  const caDays = Math.max(positiveInteger(options.caDays ?? 3650, 'CA days'), days);
  const bits = options.keyBits ?? 2048;
  if (!Number.isInteger(bits) || bits < 1024 || bits > 8192)
    throw new UsageError(`unsupported RSA key size ${bits}`);
  const nodeName = resolveNodeName(options.nodeName, deps);
  const sans = planSans(options, deps.host);
  const now = deps.now();
  await deps.fs.mkdirp(dir);
  const read = (path: string): Promise<string | undefined> =>
    options.force ? Promise.resolve(undefined) : deps.fs.read(path);

  // Read and check everything on disk first, so that a refusal leaves the folder untouched.
  const ca = await loadSlot(dir, profiles.CA_CERT_FILE, profiles.CA_KEY_FILE, read);
  if (ca.cert) {
    if (!ca.key || !build.keyMatches(ca.cert.publicKey, ca.key)) {
      throw mismatch('PKI_CA_KEY_MISMATCH', `${ca.certPath} does not match its key ${ca.keyPath}`);
    }
    checkValidNow(ca.certPath, ca.cert, now);
    const constraints = ca.cert.getExtension('basicConstraints') as { cA?: boolean } | undefined;
    if (!constraints?.cA) throw mismatch('PKI_NOT_A_CA', `${ca.certPath} is not a CA certificate`);
  }
  const specs = profiles.leafSpecs(profile, nodeName);
  const leaves: { spec: profiles.LeafSpec; sans: SanSet; slot: Slot }[] = [];
  for (const spec of specs) {
    const slot = await loadSlot(dir, profiles.certFile(spec.name), profiles.keyFile(spec.name), read);
    const wanted = sanSetFor(spec.sans, sans);
    if (slot.cert && slot.key) {
      if (!build.keyMatches(slot.cert.publicKey, slot.key)) {
        throw mismatch('PKI_KEY_MISMATCH', `${slot.certPath} does not match its key ${slot.keyPath}`);
      }
      checkValidNow(slot.certPath, slot.cert, now);
      const { missingDiscovered } = checkLeaf(slot.certPath, slot.cert, spec, wanted, sans.required);
      if (missingDiscovered.length > 0) {
        slot.note = `lacks ${missingDiscovered.join(', ')} found on this machine since; --force adds them`;
      }
    }
    leaves.push({ spec, sans: wanted, slot });
  }
  const sa = profiles.hasServiceAccountKey(profile) ? await loadServiceAccount(dir, read) : undefined;

  // Make every missing key at once: native generation runs them in parallel on every core.
  const needKey = [ca, ...leaves.map((l) => l.slot), ...(sa ? [sa] : [])].filter((slot) => !slot.key);
  const pairs = await Promise.all(needKey.map(() => deps.generateKeyPair(bits)));
  needKey.forEach((slot, i) => {
    slot.key = (pairs[i] as build.KeyPair).privateKey;
    slot.keyIsNew = true;
  });
  const caKey = ca.key as PrivateKey;
  const validity = (forDays: number): build.Validity => ({
    now,
    days: forDays,
    serial: build.serialFromRandom(deps.randomBytes(16)),
  });
  if (!ca.cert) {
    ca.cert = build.buildCaCertificate(
      { privateKey: caKey, publicKey: build.publicKeyOf(caKey) },
      profiles.CA_SUBJECT,
      validity(caDays),
    );
    ca.certIsNew = true;
  }
  const caCert = ca.cert;
  for (const { slot } of leaves) {
    if (slot.cert && !build.signedBy(slot.cert, caCert)) {
      throw mismatch('PKI_NOT_SIGNED_BY_CA', `${slot.certPath} was not signed by the CA in ${ca.certPath}`);
    }
  }
  for (const { spec, sans: wanted, slot } of leaves) {
    if (slot.cert) continue;
    const key = slot.key as PrivateKey;
    slot.cert = build.buildLeafCertificate(
      spec,
      build.publicKeyOf(key),
      wanted,
      { cert: caCert, key: caKey },
      validity(days),
    );
    slot.certIsNew = true;
  }

  // Write: each key before its certificate, so an interrupted run leaves a key that the next run reuses.
  const files: PkiFile[] = [];
  const put = async (path: string, kind: PkiFileKind, isNew: boolean, pem: () => string, note?: string) => {
    const isKey = kind === 'ca-key' || kind === 'key';
    if (isNew) await deps.fs.writeAtomic(path, pem(), isKey ? PRIVATE_MODE : PUBLIC_MODE);
    files.push({ path, kind, action: isNew ? 'written' : 'kept', ...(note && !isNew ? { note } : {}) });
  };
  await put(ca.keyPath, 'ca-key', ca.keyIsNew, () => build.toPem.privateKey(caKey));
  await put(ca.certPath, 'ca-cert', ca.certIsNew, () => build.toPem.cert(caCert));
  for (const { slot } of leaves) {
    await put(slot.keyPath, 'key', slot.keyIsNew, () => build.toPem.privateKey(slot.key as PrivateKey));
    await put(
      slot.certPath,
      'cert',
      slot.certIsNew,
      () => build.toPem.cert(slot.cert as Certificate),
      slot.note,
    );
  }
  if (sa) {
    const saKey = sa.key as PrivateKey;
    await put(sa.keyPath, 'key', sa.keyIsNew, () => build.toPem.privateKey(saKey));
    await put(sa.certPath, 'public-key', sa.certIsNew, () => build.toPem.publicKey(build.publicKeyOf(saKey)));
  }
  return { dir, profile, nodeName, sans, files };
}

/** The kubelet's node name: given, or this machine's hostname (which may not be a valid DNS name). */
function resolveNodeName(given: string | undefined, deps: PkiDeps): string {
  if (given !== undefined) return normalizeDnsName(given);
  try {
    return normalizeDnsName(defaultNodeName(deps.host));
  } catch (cause) {
    throw new UsageError(
      `this machine's hostname '${deps.host.hostname()}' cannot be a Kubernetes node name`,
      {
        cause,
        hint: 'give one with --node-name (and start kubelet with the same --hostname-override)',
      },
    );
  }
}

function sanSetFor(kind: profiles.SanKind, plan: SanPlan): SanSet {
  if (kind === 'apiserver') return plan.apiserver;
  if (kind === 'machine') return plan.machine;
  return { dns: [], ips: [] };
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`${what} must be a positive whole number, not ${value}`);
  return value;
}
