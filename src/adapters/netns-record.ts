import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DemystifyError } from '../errors.js';
import { writeFileSafely } from './files/write-file-safely.js';
import type { NodeAddress } from './netns-address.js';
import type { NatRecord } from './netns-nat.js';

/**
 * `<workdir>/isolation.json`: what isolation created for a work directory, written after every change so
 * that cleanup (from any process, even after a crash) removes exactly that. Every command finds the
 * lesson's namespace through it.
 */

/** The record of an isolated work directory (`isolation.json`). */
export interface IsolationRecord {
  schema: 'demystify.isolation/v1';
  workdir: string;
  namespace: string;
  /** The namespace file; everything enters it with `nsenter --net=PATH`. */
  netnsPath: string;
  /** The node's interface inside the namespace. */
  nodeInterface: string;
  /** Set once the veth pair exists. */
  hostVeth?: string;
  address?: NodeAddress;
  /** Outbound access through the host, when it was asked for. */
  nat?: NatRecord;
  createdAt: string;
}

/** Where the record of a work directory lives. */
export function isolationFile(workdirRoot: string): string {
  return join(workdirRoot, 'isolation.json');
}

/** The command prefix that enters a lesson's namespace (and only its network namespace). */
export function nsenterPrefix(record: Pick<IsolationRecord, 'netnsPath'>): string[] {
  return ['nsenter', `--net=${record.netnsPath}`];
}

/** The record of a work directory, or undefined when it is not isolated. */
export async function readIsolation(workdirRoot: string): Promise<IsolationRecord | undefined> {
  let text: string;
  try {
    text = await readFile(isolationFile(workdirRoot), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as IsolationRecord;
  } catch (error) {
    throw new DemystifyError('ISOLATE_RECORD', `${isolationFile(workdirRoot)} is not valid JSON`, {
      cause: error,
      hint: 'remove the namespace by hand (ip netns list) and delete the file',
    });
  }
}

/** Whether the recorded namespace still exists. */
export function isolationLive(record: IsolationRecord): boolean {
  return existsSync(record.netnsPath);
}

/** Write the record atomically (writeFileSafely; its folder is created). */
export async function writeRecord(record: IsolationRecord): Promise<void> {
  await writeFileSafely(isolationFile(record.workdir), `${JSON.stringify(record, null, 2)}\n`, {
    mode: 0o644,
    parents: true,
  });
}

/** The prefix entering a work directory's namespace while it exists (undefined when not isolated). */
export async function isolationPrefix(workdirRoot: string): Promise<string[] | undefined> {
  const record = await readIsolation(workdirRoot).catch(() => undefined);
  return record && isolationLive(record) ? nsenterPrefix(record) : undefined;
}

/** `${node.ip}` and `${node.name}` of an isolated work directory (undefined when not isolated). */
export async function isolatedNode(workdirRoot: string): Promise<{ ip: string; name: string } | undefined> {
  const record = await readIsolation(workdirRoot).catch(() => undefined);
  return record?.address && isolationLive(record) ? { ip: record.address.node, name: 'node' } : undefined;
}
