/**
 * One network probe attempt in a child process, so that it can run inside a network namespace
 * (`nsenter --net=PATH node probe-main.js JSON`). Prints the ProbeResult as JSON; the exit code is 0
 * whenever it could answer, ready or not. The engine now probes through the namespace's long-lived
 * agent (isolation/probe-agent.ts); this one-shot form stays as the baseline scripts/bench-isolation.mjs measures.
 */
import { probeNetwork } from './probes.js';

const input = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof probeNetwork>[1] & {
  probe: Parameters<typeof probeNetwork>[0];
};
const result = await probeNetwork(input.probe, {
  workdir: input.workdir,
  ...(input.tls ? { tls: input.tls } : {}),
  timeoutMs: input.timeoutMs ?? 2000,
});
process.stdout.write(`${JSON.stringify(result)}\n`);
