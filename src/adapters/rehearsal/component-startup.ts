import { readFile } from 'node:fs/promises';
import type { ComponentStartup } from '../../engine/rehearsal/run-record.js';
import { runFile } from '../processes/exec-file.js';
import { readState, type ComponentRecord } from '../workdir/state-store.js';
import { workdirLayout } from '../workdir/workdir.js';

/** How to turn a process's start time (clock ticks since boot, /proc/PID/stat field 22) into epoch ms. */
export interface BootClock {
  /** Epoch milliseconds of the machine's boot. */
  bootMs: number;
  /** Clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
  ticksPerSecond: number;
}

/** Epoch milliseconds when a process started. */
function processStartMs(startTicks: number, clock: BootClock): number {
  return clock.bootMs + (startTicks / clock.ticksPerSecond) * 1000;
}

/**
 * The components' own start-up, from state.json's records: the time from the component's process start
 * to the moment its probes passed (`readyAt`). A component without a recorded process (it had ended, or
 * ran through something that left no child) has no floor. Precision: the clock tick (10 ms) plus the
 * probes' polling (tens of ms).
 */
function startupsFrom(components: Record<string, ComponentRecord>, clock: BootClock): ComponentStartup[] {
  const out: ComponentStartup[] = [];
  for (const [component, record] of Object.entries(components)) {
    if (record.readyAt === undefined || !record.process) continue;
    const startupMs = Math.max(
      0,
      Math.round(record.readyAt - processStartMs(record.process.startTime, clock)),
    );
    out.push({ component, session: record.session, step: record.step, startupMs });
  }
  return out;
}

let clockCache: Promise<BootClock> | undefined;

/** This machine's boot clock: /proc/uptime (10 ms resolution) and CLK_TCK. */
function bootClock(): Promise<BootClock> {
  clockCache ??= (async () => {
    const uptime = Number((await readFile('/proc/uptime', 'utf8')).split(/\s+/)[0]);
    const now = Date.now();
    const tck = Number((await runFile('getconf', ['CLK_TCK'])).stdout.trim());
    return { bootMs: now - uptime * 1000, ticksPerSecond: Number.isFinite(tck) && tck > 0 ? tck : 100 };
  })();
  return clockCache;
}

/**
 * The start-up of the components recorded in a work directory's state.json. With `expect`, waits (by
 * polling, at most `timeoutMs`) until those components are recorded: the engine writes a component's
 * record off the critical path, just after the step that started it went well.
 */
export async function componentStartups(
  workdir: string,
  options: { expect?: string[]; timeoutMs?: number } = {},
): Promise<ComponentStartup[]> {
  const file = workdirLayout(workdir).stateFile;
  const end = Date.now() + (options.timeoutMs ?? 2000);
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const state = await readState(file).catch(() => undefined);
    const components = state?.components ?? {};
    const missing = (options.expect ?? []).filter((c) => components[c]?.readyAt === undefined);
    if (missing.length === 0 || Date.now() >= end) return startupsFrom(components, await bootClock());
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
