import { join } from 'node:path';
import type forge from 'node-forge';
import { mismatch, parseCertFile, parseExisting, parseKeyFile } from './existing.js';
import { fromPem, keyMatches, type Certificate } from './forge-build.js';
import { SERVICE_ACCOUNT_KEY_FILE, SERVICE_ACCOUNT_PUBLIC_FILE } from './profiles.js';

/** A certificate and key pair of the folder: what is on disk, and what will be written. */
export interface Slot {
  certPath: string;
  keyPath: string;
  key?: forge.pki.rsa.PrivateKey;
  cert?: Certificate;
  keyIsNew: boolean;
  certIsNew: boolean;
  note?: string;
}

/** Read a certificate and its key; a certificate without its key cannot be used (or re-signed) by anyone. */
export async function loadSlot(
  dir: string,
  certName: string,
  keyName: string,
  read: (path: string) => Promise<string | undefined>,
): Promise<Slot> {
  const certPath = join(dir, certName);
  const keyPath = join(dir, keyName);
  const [certPem, keyPem] = await Promise.all([read(certPath), read(keyPath)]);
  if (certPem !== undefined && keyPem === undefined) {
    throw mismatch('PKI_KEY_MISSING', `${certPath} exists but its key ${keyPath} does not`);
  }
  const slot: Slot = { certPath, keyPath, keyIsNew: false, certIsNew: false };
  if (keyPem !== undefined) slot.key = parseKeyFile(keyPath, keyPem);
  if (certPem !== undefined) slot.cert = parseCertFile(certPath, certPem);
  return slot;
}

/**
 * The service-account pair: a private key the API server signs tokens with and its public half (a PEM
 * public key, not a certificate) that verifies them. `certIsNew` here means the public key file.
 */
export async function loadServiceAccount(
  dir: string,
  read: (path: string) => Promise<string | undefined>,
): Promise<Slot> {
  const certPath = join(dir, SERVICE_ACCOUNT_PUBLIC_FILE);
  const keyPath = join(dir, SERVICE_ACCOUNT_KEY_FILE);
  const [publicPem, keyPem] = await Promise.all([read(certPath), read(keyPath)]);
  if (publicPem !== undefined && keyPem === undefined) {
    throw mismatch('PKI_KEY_MISSING', `${certPath} exists but its private key ${keyPath} does not`);
  }
  const slot: Slot = { certPath, keyPath, keyIsNew: false, certIsNew: publicPem === undefined };
  if (keyPem === undefined) return slot;
  slot.key = parseKeyFile(keyPath, keyPem);
  if (publicPem !== undefined) {
    const publicKey = parseExisting(certPath, 'PEM public key', publicPem, fromPem.publicKey);
    if (!keyMatches(publicKey, slot.key)) {
      throw mismatch('PKI_KEY_MISMATCH', `${certPath} is not the public half of ${keyPath}`);
    }
  }
  return slot;
}
