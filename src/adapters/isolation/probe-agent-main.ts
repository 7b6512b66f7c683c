/**
 * The probe agent: a long-lived process started inside a lesson's network namespace
 * (`nsenter --net=PATH node probe-agent-main.js`), so that network probes reach what listens there
 * without paying a process start per attempt. It reads one JSON request per line on stdin and answers
 * `{ id, result }` per line on stdout; it ends on its own when stdin closes (its parent went away) and
 * the last attempt has answered.
 */
import { createInterface } from 'node:readline';
import { probeNetwork } from '../probes/probes.js';

type Request = { id: number; probe: Parameters<typeof probeNetwork>[0] } & Parameters<typeof probeNetwork>[1];

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let request: Request;
  try {
    request = JSON.parse(line) as Request;
  } catch {
    return;
  }
  const { id, probe, ...options } = request;
  void probeNetwork(probe, options).then(
    (result) => process.stdout.write(`${JSON.stringify({ id, result })}\n`),
    (error: unknown) =>
      process.stdout.write(`${JSON.stringify({ id, result: { ok: false, detail: String(error) } })}\n`),
  );
});
