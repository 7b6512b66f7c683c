import { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import { componentStatuses, type ComponentStatus } from '../../adapters/runtime/component-status.js';
import { workdirRootFor } from '../common.js';
import type { CliIo } from '../context.js';
import { pinsLine } from './in-effect.js';
import { isolationStatus } from './isolation.js';

/** Options of `demystify status`. */
export interface StatusCommandOptions {
  workdir?: string;
  json?: boolean;
}

/** Print each component: session present, process alive, ready or not, since when. */
export async function runStatus(
  ref: string | undefined,
  opts: StatusCommandOptions,
  io: CliIo,
): Promise<number> {
  const root = await workdirRootFor(ref, opts.workdir);
  const runtime = await WorkdirRuntime.open(root);
  const components = await componentStatuses(runtime);
  const isolation = await isolationStatus(root);
  const pins = runtime.current().pins ?? {};
  const pinned = Object.keys(pins).length > 0;
  if (opts.json) {
    const json = { workdir: root, isolation: isolation.json, ...(pinned ? { pins } : {}), components };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${root}\n`);
  io.stdout(`${isolation.lines.join('\n')}\n`);
  io.stdout(pinsLine(pins));
  io.stdout(
    `${'COMPONENT'.padEnd(14)}${'SESSION'.padEnd(10)}${'PROCESS'.padEnd(10)}${'READY'.padEnd(7)}SINCE\n`,
  );
  for (const c of components) io.stdout(`${statusLine(c)}\n`);
  const { learnerStatusLines } = await import('./learn.js');
  for (const line of await learnerStatusLines(root, runtime).catch(() => [])) io.stdout(`${line}\n`);
  return 0;
}

/** One component's line. */
function statusLine(c: ComponentStatus, now = Date.now()): string {
  const session = c.session_present ? 'yes' : 'no';
  const process = c.alive ? String(c.pid) : '-';
  const since = c.since
    ? `${new Date(c.since).toLocaleTimeString()} (${Math.round((now - c.since) / 1000)}s ago)`
    : '';
  const ready = c.ready ? 'yes' : 'no';
  return `${c.name.padEnd(14)}${session.padEnd(10)}${process.padEnd(10)}${ready.padEnd(7)}${since || c.detail}`;
}
