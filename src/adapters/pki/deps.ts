import { randomBytes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { generateKeyPair, type KeyPair } from './forge-build.js';
import { nodePkiFs, type PkiFs } from './files.js';
import type { HostInfo } from './sans.js';

/**
 * Every side effect of the PKI, injectable: the clock (validity windows), randomness (serials), key
 * generation (slow: tests may hand out pre-made keys), the file system and what SAN discovery reads.
 */
export interface PkiDeps {
  now: () => Date;
  randomBytes: (size: number) => Uint8Array;
  generateKeyPair: (bits: number) => Promise<KeyPair>;
  fs: PkiFs;
  host: HostInfo;
}

/** The real machine. */
export const defaultPkiDeps: PkiDeps = {
  now: () => new Date(),
  randomBytes: (size) => randomBytes(size),
  generateKeyPair,
  fs: nodePkiFs,
  host: { hostname, networkInterfaces },
};

/** Fill what a caller did not inject with the real thing. */
export function resolvePkiDeps(partial: Partial<PkiDeps> = {}): PkiDeps {
  return { ...defaultPkiDeps, ...partial };
}
