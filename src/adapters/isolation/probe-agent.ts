import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ProbeResult } from '../../engine/ports.js';
import type { Probe } from '../../lesson/model.js';

/** What one network probe attempt needs besides the probe (as probeNetwork takes it). */
export interface AgentProbeOptions {
  workdir: string;
  tls?: { ca: string; cert?: string; key?: string };
  timeoutMs: number;
}

type Pending = { resolve: (result: ProbeResult) => void; timer: NodeJS.Timeout };

/**
 * The client of a probe agent (probe-agent-main.ts) living in a network namespace. Started on the first
 * probe, reused by the next ones (an attempt costs a line of JSON instead of a process start), started
 * again if it dies. It never keeps demystify alive: its pipes are unreferenced, and it ends by itself
 * when demystify goes away and its stdin closes.
 */
export class ProbeAgent {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly prefix: string[]) {}

  /** One attempt of a tcp, http(s) or unix probe, inside the namespace. */
  probe(probe: Probe, options: AgentProbeOptions): Promise<ProbeResult> {
    const child = this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      // The agent has its own per-attempt timeout; this one covers an agent that stopped answering, and
      // keeps this process alive while an answer is due (the pipes themselves do not).
      const timer = setTimeout(
        () => this.settle(id, { ok: false, detail: 'probe agent did not answer' }),
        options.timeoutMs + 3000,
      );
      this.pending.set(id, { resolve, timer });
      child.stdin?.write(`${JSON.stringify({ id, probe, ...options })}\n`);
    });
  }

  /**
   * Start the agent now rather than at the first probe: its start-up (~200 ms, mostly loading node
   * modules) then overlaps the steps before the first component instead of delaying its readiness.
   */
  warm(): void {
    this.start();
  }

  /** End the agent (pending attempts answer "not ready"). */
  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
    this.failAll('probe agent closed');
  }

  private start(): ChildProcess {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return this.child;
    const script = new URL('./probe-agent-main.js', import.meta.url).pathname;
    const [file, ...args] = [...this.prefix, process.execPath, script];
    const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.unref();
    for (const stream of [child.stdin, child.stdout] as unknown as { unref?: () => void }[])
      stream?.unref?.();
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const answer = JSON.parse(line) as { id: number; result: ProbeResult };
        this.settle(answer.id, answer.result);
      } catch {
        // Not an answer: ignore.
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.failAll(`probe agent exited (${signal ?? `exit ${code}`})`);
    });
    child.on('error', (error) => this.failAll(`probe agent: ${error.message}`));
    this.child = child;
    return child;
  }

  private settle(id: number, result: ProbeResult): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve(result);
  }

  private failAll(detail: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, detail });
  }
}

const agents = new Map<string, ProbeAgent>();

/** The agent of a namespace prefix, one per prefix for the life of this process. */
export function probeAgentFor(prefix: string[]): ProbeAgent {
  const key = prefix.join('\0');
  let agent = agents.get(key);
  if (!agent) {
    agent = new ProbeAgent(prefix);
    agents.set(key, agent);
  }
  return agent;
}
