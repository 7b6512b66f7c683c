/**
 * Waiting for a step's readiness probes: each polled in turn with backoff until it passes, cut short when
 * the component's command ends (it will never be ready then), the deadline passes, or the step is
 * interrupted. Separate from step-exec.ts, which runs a step and judges it: this is the one loop that
 * polls, and it reads on its own.
 */
import type { Probe } from '../lesson/model.js';
import { nextDelay, type BackoffSchedule } from './backoff.js';
import type { CommandResult } from './outcome.js';
import type { EnginePorts, ProbeResult } from './ports.js';

/** How waiting for readiness ended. */
type Readiness =
  | { kind: 'ready' }
  | { kind: 'interrupted' }
  | { kind: 'timeout'; probe: Probe; last: ProbeResult }
  | { kind: 'exited'; result: CommandResult };

/**
 * Poll each probe in turn until it passes (all must), backing off from tens of milliseconds; give up at
 * the deadline, or as soon as the component's command ends (it will never get ready then).
 */
export async function waitReady(
  probes: Probe[],
  context: { session: string; logOffset: number; signal: AbortSignal },
  deadline: number,
  ports: EnginePorts,
  schedule: BackoffSchedule,
  ended?: Promise<CommandResult>,
  interrupt?: AbortSignal,
): Promise<Readiness> {
  let exited: CommandResult | undefined;
  const wake = new AbortController();
  void ended?.then(
    (result) => {
      exited = result;
      wake.abort();
    },
    () => undefined,
  );
  const onInterrupt = (): void => wake.abort();
  interrupt?.addEventListener('abort', onInterrupt, { once: true });
  try {
    return await pollProbes(probes, context, deadline, ports, schedule, () => exited, wake.signal, interrupt);
  } finally {
    interrupt?.removeEventListener('abort', onInterrupt);
  }
}

async function pollProbes(
  probes: Probe[],
  context: { session: string; logOffset: number; signal: AbortSignal },
  deadline: number,
  ports: EnginePorts,
  schedule: BackoffSchedule,
  exitedNow: () => CommandResult | undefined,
  wake: AbortSignal,
  interrupt?: AbortSignal,
): Promise<Readiness> {
  for (const probe of probes) {
    let last: ProbeResult = { ok: false, detail: 'not tried' };
    for (let attempt = 0; ; attempt++) {
      if (interrupt?.aborted) return { kind: 'interrupted' };
      const exited = exitedNow();
      if (exited) return { kind: 'exited', result: exited };
      last = await ports.prober
        .probe(probe, context)
        .catch((e: unknown) => ({ ok: false, detail: String(e) }));
      if (last.ok) break;
      if (interrupt?.aborted) return { kind: 'interrupted' };
      const after = exitedNow();
      if (after) return { kind: 'exited', result: after };
      const now = ports.now();
      if (now >= deadline) return { kind: 'timeout', probe, last };
      await ports.sleep(nextDelay(attempt, now, deadline, schedule), wake).catch(() => undefined);
    }
  }
  return { kind: 'ready' };
}
