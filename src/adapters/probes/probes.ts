import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { isAbsolute, join } from 'node:path';
import type { Probe } from '../../lesson/model.js';
import type { ProbeContext, ProbeResult, Prober } from '../../engine/ports.js';
import { probeAgentFor } from '../isolation/probe-agent.js';
import { runFile } from '../processes/exec-file.js';
import { readLogFrom } from '../tmux/session-log.js';
import { matchOutput } from '../../engine/output-match.js';
import { stripEscapes } from '../tmux/shell-marks.js';

/** Client TLS material of `https://` probes: paths relative to the work directory. */
export interface ProbeTls {
  ca: string;
  cert?: string;
  key?: string;
}

/** What the real prober needs. */
export interface ProberOptions {
  workdir: string;
  /** Log file of a session (`log:` probes). */
  logFile: (session: string) => string;
  /** PATH of `cmd:` probes (the sessions' PATH). */
  path: string;
  tls?: ProbeTls;
  /**
   * Command prefix that enters the lesson's network namespace, e.g. `['nsenter', '--net=/run/netns/x']`.
   * With it, network probes run in a long-lived agent process started through the prefix (isolation/probe-agent.ts),
   * since a socket of this process cannot join another namespace.
   */
  prefix?: string[];
  /** Longest single attempt (default 2 s): a hung endpoint must not eat the step's whole timeout. */
  attemptTimeoutMs?: number;
}

/** The real prober: tcp, http(s) with the lesson's CA and client certificate, unix, log, cmd. */
export function createProber(options: ProberOptions): Prober {
  return {
    async probe(probe: Probe, context: ProbeContext): Promise<ProbeResult> {
      const timeoutMs = options.attemptTimeoutMs ?? 2000;
      if (probe.kind === 'log') {
        const text = stripEscapes(await readLogFrom(options.logFile(context.session), context.logOffset));
        // In a worker with a deadline, as a step's expected output: a backtracking pattern over a long log
        // must not freeze the presenter or the step's own timeout.
        const match = await matchOutput(probe.pattern, probe.flags, text, timeoutMs);
        if (match.kind === 'unfinished')
          return { ok: false, detail: `the pattern was still matching after ${match.afterMs} ms` };
        if (match.kind === 'error') return { ok: false, detail: match.message };
        return { ok: match.kind === 'match', detail: match.kind === 'match' ? 'matched' : 'no match yet' };
      }
      if (probe.kind === 'cmd') {
        const command = [...(options.prefix ?? []), 'bash', '-c', probe.command];
        const result = await runFile(command[0]!, command.slice(1), {
          cwd: options.workdir,
          env: { ...process.env, PATH: options.path },
          timeoutMs,
          signal: context.signal,
        });
        const detail =
          result.errorCode === 'ETIMEDOUT'
            ? 'timed out'
            : `exit ${result.exitCode ?? result.errorCode ?? 'none'}`;
        return { ok: result.exitCode === 0, detail };
      }
      if (options.prefix && options.prefix.length > 0) return probeThroughPrefix(probe, options, timeoutMs);
      return probeNetwork(probe, {
        workdir: options.workdir,
        ...(options.tls ? { tls: options.tls } : {}),
        timeoutMs,
      });
    },
  };
}

/** One attempt of a network probe (tcp, http(s), unix) from this process. */
export async function probeNetwork(
  probe: Probe,
  options: { workdir: string; tls?: ProbeTls; timeoutMs: number },
): Promise<ProbeResult> {
  switch (probe.kind) {
    case 'tcp':
      return connectOnce({ host: probe.host, port: probe.port }, options.timeoutMs);
    case 'unix':
      return connectOnce({ path: resolvePath(options.workdir, probe.path) }, options.timeoutMs);
    case 'http':
      return httpOnce(probe.url, options);
    default:
      return { ok: false, detail: `not a network probe: ${probe.raw}` };
  }
}

function connectOnce(
  target: { host: string; port: number } | { path: string },
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect(target as never);
    const done = (result: ProbeResult): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: 'timed out' }));
    socket.once('connect', () => done({ ok: true, detail: 'connected' }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, detail: error.code ?? error.message }),
    );
  });
}

async function httpOnce(
  url: string,
  options: { workdir: string; tls?: ProbeTls; timeoutMs: number },
): Promise<ProbeResult> {
  const secure = url.startsWith('https:');
  let tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  if (secure && options.tls) {
    try {
      // Read on every attempt: the certificates are often made by an earlier step of the same run.
      const read = (p: string): Promise<Buffer> => readFile(resolvePath(options.workdir, p));
      tls = {
        ca: await read(options.tls.ca),
        ...(options.tls.cert ? { cert: await read(options.tls.cert) } : {}),
        ...(options.tls.key ? { key: await read(options.tls.key) } : {}),
      };
    } catch (error) {
      return { ok: false, detail: `TLS files: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
  }
  return new Promise((resolve) => {
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', agent: false, timeout: options.timeoutMs, ...tls },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` });
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, detail: error.code ?? error.message }),
    );
    request.end();
  });
}

/**
 * Run a network probe inside the namespace, through the namespace's long-lived probe agent
 * (isolation/probe-agent.ts): a process start per attempt cost ~170 ms, an answer from the agent well under 1 ms.
 */
async function probeThroughPrefix(
  probe: Probe,
  options: ProberOptions,
  timeoutMs: number,
): Promise<ProbeResult> {
  return probeAgentFor(options.prefix ?? []).probe(probe, {
    workdir: options.workdir,
    ...(options.tls ? { tls: options.tls } : {}),
    timeoutMs,
  });
}

function resolvePath(workdir: string, path: string): string {
  return isAbsolute(path) ? path : join(workdir, path);
}
