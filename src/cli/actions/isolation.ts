import { readlink } from 'node:fs/promises';
import { probeAgentFor } from '../../adapters/isolation/probe-agent.js';
import {
  ensureIsolation,
  isolationLive,
  nsenterPrefix,
  readIsolation,
  type IsolationRecord,
} from '../../adapters/isolation/isolation.js';
import { namespaceInode } from '../../adapters/isolation/namespace-processes.js';
import { tmuxSocketPath } from '../../adapters/workdir/engine-files.js';
import { readState } from '../../adapters/workdir/state-store.js';
import { Tmux } from '../../adapters/tmux/tmux.js';
import { workdirLayout } from '../../adapters/workdir/workdir.js';
import { DemystifyError, UsageError } from '../../errors.js';
import type { Lesson } from '../../lesson/model.js';
import type { CliIo } from '../context.js';

/** The isolation flags of `run` and the presenter. */
export interface IsolationFlags {
  /** `--isolate` (true), `--no-isolate` (false), or neither (the lesson's front matter decides). */
  isolate?: boolean;
  /** `--address`: the node address instead of the lesson's or the default. */
  address?: string;
  /** `--outbound`: NAT through the host for chapters that download. */
  outbound?: boolean;
}

/**
 * Decide whether a run is isolated and set the namespace up (see docs/isolation.md): `--isolate`, the
 * lesson's `isolate: true`, or a work directory that already is. Says what it did on stderr (stdout may be
 * NDJSON), outbound access loudly. Returns the record, or undefined when the run is not isolated.
 */
export async function prepareIsolation(
  lesson: Lesson,
  root: string,
  flags: IsolationFlags,
  io: CliIo,
): Promise<IsolationRecord | undefined> {
  const existing = await readIsolation(root);
  const live = existing !== undefined && isolationLive(existing);
  if (flags.isolate === false) {
    if (live) {
      throw new DemystifyError(
        'ISOLATED',
        `the lesson in ${root} runs in network namespace ${existing.namespace}`,
        {
          exitCode: 2,
          hint: 'run demystify cleanup first to run it without isolation',
        },
      );
    }
    return undefined;
  }
  const enabled = flags.isolate === true || lesson.isolate?.enabled === true || live;
  if (!enabled) {
    if (flags.address !== undefined || flags.outbound) {
      throw new UsageError(`${flags.address !== undefined ? '--address' : '--outbound'} needs --isolate`);
    }
    return undefined;
  }
  const server = await tmuxServerPid(root);
  if (server !== undefined && !live) {
    throw new DemystifyError('ISOLATE_RUNNING', `the lesson in ${root} already runs without isolation`, {
      exitCode: 2,
      hint: 'run demystify cleanup first, then run it again with --isolate',
    });
  }
  const address = flags.address ?? lesson.isolate?.address;
  const record = await ensureIsolation(root, {
    ...(address === undefined ? {} : { address }),
    outbound: flags.outbound === true,
  });
  if (server !== undefined && !(await inNamespace(server, record))) {
    throw new DemystifyError(
      'ISOLATE_RUNNING',
      `the tmux server of ${root} runs outside ${record.namespace}`,
      {
        exitCode: 2,
        hint: 'run demystify cleanup first',
      },
    );
  }
  probeAgentFor(nsenterPrefix(record)).warm();
  io.stderr(`${isolationLines(record).join('\n')}\n`);
  return record;
}

/** How `run` and `status` describe an isolated lesson. */
function isolationLines(record: IsolationRecord): string[] {
  const address = record.address;
  const lines = [
    `isolated: network namespace ${record.namespace}, node address ${address?.node ?? '?'}` +
      ` (host end ${address?.host ?? '?'} on ${record.hostVeth ?? '?'})`,
  ];
  if (record.nat) {
    lines.push(
      `OUTBOUND ACCESS ON: the host masquerades ${address?.subnet} (iptables nat/POSTROUTING and ` +
        `filter/FORWARD rules, net.ipv4.ip_forward=1) until demystify cleanup`,
    );
  } else {
    lines.push('outbound access: off (the node reaches the host only; --outbound lets chapters download)');
  }
  return lines;
}

/** `status`'s view of isolation: text lines and a JSON field. */
export async function isolationStatus(root: string): Promise<{
  lines: string[];
  json: { isolated: boolean; namespace?: string; nodeAddress?: string; outbound?: boolean; live?: boolean };
}> {
  const record = await readIsolation(root);
  if (!record)
    return { lines: ['not isolated: the lesson shares the host network'], json: { isolated: false } };
  const live = isolationLive(record);
  return {
    lines: live
      ? isolationLines(record)
      : [`isolation recorded but namespace ${record.namespace} is gone: run demystify cleanup`],
    json: {
      isolated: true,
      namespace: record.namespace,
      ...(record.address ? { nodeAddress: record.address.node } : {}),
      outbound: record.nat !== undefined,
      live,
    },
  };
}

/** The tmux server of a work directory: on the socket state.json records, else the one its path gives. */
async function tmuxServerPid(root: string): Promise<number | undefined> {
  const state = await readState(workdirLayout(root).stateFile);
  return new Tmux({ socket: state?.tmuxSocket ?? tmuxSocketPath(root) }).serverPid();
}

async function inNamespace(pid: number, record: IsolationRecord): Promise<boolean> {
  const inode = await namespaceInode(record.netnsPath);
  const link = await readlink(`/proc/${pid}/ns/net`).catch(() => '');
  return inode !== undefined && link === `net:[${inode}]`;
}
