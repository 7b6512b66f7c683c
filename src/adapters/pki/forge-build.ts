import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import forge from 'node-forge';
import type { LeafSpec } from './profiles.js';
import type { SanSet } from './sans.js';

const { pki } = forge;

/** An RSA key pair as node-forge holds it. */
export type KeyPair = forge.pki.rsa.KeyPair;
/** A parsed X.509 certificate (node-forge). */
export type Certificate = forge.pki.Certificate;

/** How many minutes before "now" a certificate starts being valid: absorbs clock skew between machines. */
export const BACKDATE_MINUTES = 5;

/**
 * Generate an RSA key pair. node-forge hands the callback form to Node's native, asynchronous
 * `crypto.generateKeyPair` (libuv's thread pool), so several keys are made in parallel on every core;
 * its pure JavaScript generator is ten times slower.
 */
export function generateKeyPair(bits: number): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    pki.rsa.generateKeyPair({ bits, e: 0x10001 }, (error, keys) => (error ? reject(error) : resolve(keys)));
  });
}

/**
 * A positive, minimally encoded DER serial of 16 random bytes: the top bit cleared (else the INTEGER is
 * negative) and the next one set (else a leading zero byte would be a non-minimal encoding).
 */
export function serialFromRandom(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new Error('a serial needs at least 8 random bytes');
  const copy = Uint8Array.from(bytes);
  copy[0] = ((copy[0] ?? 0) & 0x7f) | 0x40;
  return Buffer.from(copy).toString('hex');
}

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * A signer node-forge's `cert.sign` accepts (it only calls `key.sign(md)`), backed by Node's native RSA:
 * RSASSA-PKCS1-v1_5 is the DigestInfo of the hash, type-1 padded and raised to the private exponent, which
 * is what `privateEncrypt` with PKCS#1 padding does. forge still builds the certificate; only the slow
 * big-number arithmetic moves to OpenSSL (about 50 ms per signature in JavaScript on these machines).
 */
function nativeSigner(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PrivateKey {
  const nodeKey = createPrivateKey(pki.privateKeyToPem(key));
  const sign = (md: forge.md.MessageDigest): string => {
    const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')]);
    return privateEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString(
      'binary',
    );
  };
  return { sign } as unknown as forge.pki.rsa.PrivateKey;
}

/** What every certificate needs besides its subject and extensions. */
export interface Validity {
  now: Date;
  days: number;
  serial: string;
}

function applyValidity(cert: Certificate, validity: Validity): void {
  cert.serialNumber = validity.serial;
  cert.validity.notBefore = new Date(validity.now.getTime() - BACKDATE_MINUTES * 60_000);
  cert.validity.notAfter = new Date(validity.now.getTime() + validity.days * 86_400_000);
}

function subjectAttributes(cn: string, o: string[], ou?: string): forge.pki.CertificateField[] {
  const attrs: forge.pki.CertificateField[] = o.map((value) => ({ shortName: 'O', value }));
  if (ou !== undefined) attrs.push({ shortName: 'OU', value: ou });
  attrs.push({ shortName: 'CN', value: cn });
  return attrs;
}

/** A self-signed CA: basicConstraints critical CA:TRUE, keyCertSign and cRLSign, SHA-256. */
export function buildCaCertificate(
  keys: KeyPair,
  subject: { cn: string; o: string[]; ou?: string },
  validity: Validity,
): Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  applyValidity(cert, validity);
  const attrs = subjectAttributes(subject.cn, subject.o, subject.ou);
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nativeSigner(keys.privateKey), forge.md.sha256.create());
  return cert;
}

/** A leaf signed by the CA: CA:FALSE, digitalSignature + keyEncipherment, the spec's EKUs and SANs. */
export function buildLeafCertificate(
  spec: LeafSpec,
  publicKey: forge.pki.rsa.PublicKey,
  sans: SanSet,
  ca: { cert: Certificate; key: forge.pki.rsa.PrivateKey },
  validity: Validity,
): Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  applyValidity(cert, validity);
  cert.setSubject(subjectAttributes(spec.cn, spec.o));
  cert.setIssuer(ca.cert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: spec.serverAuth, clientAuth: spec.clientAuth },
    { name: 'subjectKeyIdentifier' },
    // forge's `keyIdentifier: true` would take the leaf's own key: give the CA's identifier explicitly.
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (sans.dns.length + sans.ips.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: [
        ...sans.dns.map((value) => ({ type: 2, value })),
        ...sans.ips.map((ip) => ({ type: 7, ip })),
      ],
    });
  }
  cert.setExtensions(extensions);
  cert.sign(nativeSigner(ca.key), forge.md.sha256.create());
  return cert;
}

/** node-forge ends PEM lines with CRLF; files on this system (and what openssl writes) use LF. */
const lf = (pem: string): string => pem.replace(/\r\n/g, '\n');

/** PEM encodings, as the files hold them (PKCS#1 private keys, like cfssl; SPKI public keys), LF line ends. */
export const toPem = {
  cert: (cert: Certificate): string => lf(pki.certificateToPem(cert)),
  privateKey: (key: forge.pki.rsa.PrivateKey): string => lf(pki.privateKeyToPem(key)),
  publicKey: (key: forge.pki.rsa.PublicKey): string => lf(pki.publicKeyToPem(key)),
};

/** Parsers that throw node-forge's own message; callers wrap it with the file name. */
export const fromPem = {
  cert: (pem: string): Certificate => pki.certificateFromPem(pem),
  privateKey: (pem: string): forge.pki.rsa.PrivateKey => pki.privateKeyFromPem(pem),
  publicKey: (pem: string): forge.pki.rsa.PublicKey => pki.publicKeyFromPem(pem),
};

/** The public half of a private key. */
export function publicKeyOf(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PublicKey {
  return pki.setRsaPublicKey(key.n, key.e);
}

/** Whether a public key (a certificate's, or a public key file's) belongs to this private key. */
export function keyMatches(publicKey: forge.pki.PublicKey, privateKey: forge.pki.rsa.PrivateKey): boolean {
  const pub = publicKey as forge.pki.rsa.PublicKey;
  return pub.n.equals(privateKey.n) && pub.e.equals(privateKey.e);
}

/** Whether `cert` names `ca` as its issuer and carries a signature made by the CA's key. */
export function signedBy(cert: Certificate, ca: Certificate): boolean {
  try {
    return ca.verify(cert);
  } catch {
    // forge throws when the issuer name does not match the CA's subject.
    return false;
  }
}

/** What demystify checks on a certificate it finds on disk. */
export interface CertSummary {
  cn: string;
  o: string[];
  serverAuth: boolean;
  clientAuth: boolean;
  dns: string[];
  ips: string[];
  notBefore: Date;
  notAfter: Date;
}

/** Read back the fields a leaf spec sets. */
export function summarize(cert: Certificate): CertSummary {
  const field = (name: string): string[] =>
    cert.subject.attributes.filter((a) => a.shortName === name).map((a) => String(a.value));
  const eku = cert.getExtension('extKeyUsage') as { serverAuth?: boolean; clientAuth?: boolean } | undefined;
  const san = cert.getExtension('subjectAltName') as
    { altNames: { type: number; value?: string; ip?: string }[] } | undefined;
  const alt = san?.altNames ?? [];
  return {
    cn: field('CN')[0] ?? '',
    o: field('O'),
    serverAuth: Boolean(eku?.serverAuth),
    clientAuth: Boolean(eku?.clientAuth),
    dns: alt.filter((n) => n.type === 2).map((n) => String(n.value).toLowerCase()),
    ips: alt.filter((n) => n.type === 7 && n.ip !== undefined).map((n) => String(n.ip)),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
  };
}
