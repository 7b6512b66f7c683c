#!/usr/bin/env node
// One network probe attempt in a process of its own, so that it can run inside a network namespace
// (`nsenter --net=PATH node scripts/probe-main.mjs JSON`). Prints the ProbeResult as JSON; the exit code
// is 0 whenever it could answer, ready or not. The engine probes through the namespace's long-lived agent
// (src/adapters/isolation/probe-agent.ts); this one-shot form is the baseline scripts/bench-isolation.mjs
// measures against it. Needs the build (dist/).
const { probeNetwork } = await import(new URL('../dist/src/adapters/probes/probes.js', import.meta.url).href);

const input = JSON.parse(process.argv[2] ?? '{}');
const result = await probeNetwork(input.probe, {
  workdir: input.workdir,
  ...(input.tls ? { tls: input.tls } : {}),
  timeoutMs: input.timeoutMs ?? 2000,
});
process.stdout.write(`${JSON.stringify(result)}\n`);
