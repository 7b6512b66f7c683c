import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import { writeFileSafely } from '../files/write-file-safely.js';
import { namespaceName, type NodeAddress } from './address.js';
import type { NatRecord } from './nat.js';

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

/**
 * The record of a work directory, or undefined when it is not isolated (no isolation.json). A record that
 * cannot be read or is not one is an error, never "not isolated": commands would then run an isolated
 * lesson's probes, status and replay on the host's network.
 */
export async function readIsolation(workdirRoot: string): Promise<IsolationRecord | undefined> {
  const file = isolationFile(workdirRoot);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DemystifyError('ISOLATE_RECORD', `cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  let record: Partial<IsolationRecord>;
  try {
    record = JSON.parse(text) as Partial<IsolationRecord>;
  } catch (error) {
    throw badRecord(workdirRoot, 'it is not valid JSON', error);
  }
  if (
    typeof record !== 'object' ||
    record === null ||
    record.schema !== 'demystify.isolation/v1' ||
    typeof record.namespace !== 'string' ||
    typeof record.netnsPath !== 'string' ||
    typeof record.nodeInterface !== 'string'
  )
    throw badRecord(
      workdirRoot,
      'it is not an isolation record (schema, namespace, netnsPath, nodeInterface)',
    );
  return record as IsolationRecord;
}

function badRecord(workdirRoot: string, why: string, cause?: unknown): DemystifyError {
  const name = namespaceName(workdirRoot);
  return new DemystifyError('ISOLATE_RECORD', `${isolationFile(workdirRoot)} is damaged: ${why}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: `the lesson may still run in its namespace (${name}): see ip netns pids ${name}; end those, ip netns delete ${name}, then remove the file`,
  });
}

/** Whether the recorded namespace still exists. */
export function isolationLive(record: IsolationRecord): boolean {
  return existsSync(record.netnsPath);
}

/** Write the record atomically (writeFileSafely; its folder is created). */
export async function writeRecord(record: IsolationRecord): Promise<void> {
  await writeFileSafely(isolationFile(record.workdir), `${JSON.stringify(record, null, 2)}\n`, {
    mode: 0o600,
    parents: true,
  });
}

/** The prefix entering a work directory's namespace while it exists (undefined when not isolated). */
export async function isolationPrefix(workdirRoot: string): Promise<string[] | undefined> {
  const record = await readIsolation(workdirRoot);
  return record && isolationLive(record) ? nsenterPrefix(record) : undefined;
}

/** `${node.ip}` and `${node.name}` of an isolated work directory (undefined when not isolated). */
export async function isolatedNode(workdirRoot: string): Promise<{ ip: string; name: string } | undefined> {
  const record = await readIsolation(workdirRoot);
  return record?.address && isolationLive(record) ? { ip: record.address.node, name: 'node' } : undefined;
}
