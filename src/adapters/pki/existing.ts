import type forge from 'node-forge';
import { DemystifyError } from '../../errors.js';
import { fromPem, summarize, type Certificate } from './forge-build.js';
import type { LeafSpec } from './profiles.js';
import { normalizeIp, type SanSet } from './sans.js';

/** The hint of every "files on disk do not fit together" error. */
const FORCE_HINT =
  'remove the folder or run demystify pki --force to make a new CA and certificates (restart every component afterwards)';

/** Parse a PEM file found on disk, turning node-forge's message into an error that names the file. */
export function parseExisting<T>(path: string, what: string, pem: string, parse: (pem: string) => T): T {
  try {
    return parse(pem);
  } catch (cause) {
    throw new DemystifyError('PKI_UNREADABLE', `${path} is not a readable ${what}`, {
      cause,
      hint: `demystify reads PEM-encoded RSA material only; ${FORCE_HINT}`,
    });
  }
}

/** Read a certificate file. */
export function parseCertFile(path: string, pem: string): Certificate {
  return parseExisting(path, 'PEM certificate', pem, fromPem.cert);
}

/** Read an RSA private key file. */
export function parseKeyFile(path: string, pem: string): forge.pki.rsa.PrivateKey {
  return parseExisting(path, 'PEM RSA private key', pem, fromPem.privateKey);
}

/** An error for files that exist but do not belong together. */
export function mismatch(code: string, message: string): DemystifyError {
  return new DemystifyError(code, message, { hint: FORCE_HINT });
}

/** Refuse a certificate that is expired or not yet valid at `now`. */
export function checkValidNow(path: string, cert: Certificate, now: Date): void {
  const { notBefore, notAfter } = cert.validity;
  if (now < notBefore || now > notAfter) {
    throw mismatch(
      'PKI_EXPIRED',
      `${path} is valid from ${notBefore.toISOString()} to ${notAfter.toISOString()}, not now (${now.toISOString()})`,
    );
  }
}

/** What a kept leaf lacks that is only worth a note: addresses discovered on this machine since it was made. */
export interface LeafCheck {
  missingDiscovered: string[];
}

/**
 * Check a leaf certificate found on disk against what the profile wants: the same subject, at least the
 * wanted usages, every SAN the user asked for. A missing discovered address (an interface that came up
 * later, such as a CNI bridge) is a note, not an error: re-running a lesson must not break on it.
 */
export function checkLeaf(
  path: string,
  cert: Certificate,
  spec: LeafSpec,
  wanted: SanSet,
  required: SanSet,
): LeafCheck {
  const have = summarize(cert);
  const problems: string[] = [];
  if (have.cn !== spec.cn) problems.push(`CN is '${have.cn}', wanted '${spec.cn}'`);
  if (have.o.join(',') !== spec.o.join(',')) {
    problems.push(`O is '${have.o.join(',')}', wanted '${spec.o.join(',')}'`);
  }
  if (spec.serverAuth && !have.serverAuth) problems.push('it is not valid for server auth');
  if (spec.clientAuth && !have.clientAuth) problems.push('it is not valid for client auth');
  const haveIps = new Set(have.ips.map(normalizeIp));
  const haveDns = new Set(have.dns);
  const missing = [
    ...wanted.dns.filter((n) => !haveDns.has(n)),
    ...wanted.ips.filter((ip) => !haveIps.has(ip)),
  ];
  const requiredSet = new Set([...required.dns, ...required.ips]);
  const missingRequired = missing.filter((name) => requiredSet.has(name));
  if (missingRequired.length > 0) problems.push(`it lacks the SAN(s) ${missingRequired.join(', ')}`);
  if (problems.length > 0) {
    throw mismatch(
      'PKI_CERT_MISMATCH',
      `${path} does not match the ${spec.name} certificate wanted: ${problems.join('; ')}`,
    );
  }
  return { missingDiscovered: missing.filter((name) => !requiredSet.has(name)) };
}
