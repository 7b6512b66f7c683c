import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { processesUnder } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
export { waitFor };
import { BIN, freePort, tempWorkdir } from './engine-helpers.js';

/**
 * Helpers of the fault suite (test/integration/faults-*.test.ts): the CLI run as a user runs it, lessons
 * made of shell steps and Debian's etcd, and a work directory that is cleaned up whatever state it is left
 * in (a damaged or missing state.json included), by the engine's own cleanup: recorded pids, marker,
 * socket, daemons working in it; never by name.
 */

/** What a command printed and how it ended. */
export interface CliResult {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

/** Run the CLI to its end; never throws. */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { DEMYSTIFY_HOME: '/nonexistent', ...env },
  });
  return { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A CLI started in its own process group, as a terminal's foreground job: Ctrl-C is `interrupt()`. */
export interface StartedCli {
  pid: number;
  /** Send a signal to its whole group, as a terminal's Ctrl-C does (SIGINT), or to it alone. */
  signal(signal: NodeJS.Signals, group?: boolean): void;
  /** What it has written to stderr so far (to wait for a message while it runs). */
  stderrSoFar(): string;
  done: Promise<CliResult & { ms: number }>;
}

/** Start the CLI in the background; the test's end kills it (by pid) if it is still running. */
export function startCli(t: { after: (fn: () => Promise<void>) => void }, args: string[]): StartedCli {
  const started = Date.now();
  const child: ResultPromise = execa(process.execPath, [BIN, ...args], {
    reject: false,
    detached: true,
    env: { DEMYSTIFY_HOME: '/nonexistent' },
  });
  const pid = child.pid!;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const done = child.then((r) => ({
    code: r.exitCode,
    stdout: String(r.stdout),
    stderr: String(r.stderr),
    ms: Date.now() - started,
  }));
  let ended = false;
  void done.then(() => (ended = true));
  t.after(async () => {
    if (!ended) process.kill(pid, 'SIGKILL');
    await done;
  });
  return {
    pid,
    signal: (signal, group = true) => process.kill(group ? -pid : pid, signal),
    stderrSoFar: () => stderr,
    done,
  };
}

/** A process working in (or naming) `dir` whose command line matches. */
export async function processMatching(dir: string, pattern: RegExp): Promise<number | undefined> {
  for (const p of await processesUnder(dir)) {
    const cmdline = await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '');
    if (pattern.test(cmdline.split('\0').join(' '))) return p.pid;
  }
  return undefined;
}

/** No user mistake or machine state ends in an internal error or a stack trace. */
export function assertNoInternalError(result: CliResult): void {
  assert.notEqual(result.code, 70, `exit 70: ${result.stderr}`);
  assert.ok(!result.stderr.includes('internal error'), result.stderr);
  assert.ok(!/\n\s+at /.test(result.stderr), `a stack trace: ${result.stderr}`);
}

/** No process works in `dir` or names it (the engine's own cleanup has run), and nothing listens on ports. */
export async function assertNothingRuns(dir: string): Promise<void> {
  await waitFor(`nothing left in ${dir}`, async () => (await processesUnder(dir)).length === 0, 5000).catch(
    () => undefined,
  );
  assert.deepEqual(await processesUnder(dir), [], `processes left in ${dir}`);
}

/**
 * A temporary folder holding a work directory `work/` (not created: the CLI makes it). When the test ends,
 * whatever the engine started there is ended by its cleanup, which needs no state.json, then the folder
 * goes.
 */
export async function faultDir(t: {
  after: (fn: () => Promise<void>) => void;
}): Promise<{ dir: string; workdir: string }> {
  const dir = await tempWorkdir(t, 'dm-faults-');
  return { dir, workdir: join(dir, 'work') };
}

/** Write a lesson (front matter and chapters) into `dir`; returns its path. */
export async function writeLesson(dir: string, name: string, lines: string[]): Promise<string> {
  const file = join(dir, `${name}.md`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * A lesson of shell steps: a long-running `web` component (ready when it says so), a step that takes
 * `napSeconds`, one after it, and a second chapter.
 */
export async function shellLesson(dir: string, options: { nap: string; timeout?: string }): Promise<string> {
  return writeLesson(dir, 'shell', [
    '---',
    'id: faults-shell',
    'title: Faults (shell)',
    'components:',
    '  web: { session: web, ready: "log:/web listening/" }',
    '---',
    '## One {#one}',
    '```bash { name=web session=web timeout=20s }',
    'echo "web listening"; sleep 1000',
    '```',
    '```bash { name=hello }',
    'echo hello',
    '```',
    `\`\`\`bash { name=nap timeout=${options.timeout ?? '60s'} }`,
    options.nap,
    '```',
    '```bash { name=after }',
    'echo after',
    '```',
    '## Two {#two}',
    '```bash { name=again }',
    'echo again',
    '```',
  ]);
}

/** A lesson with Debian's etcd (plain HTTP, free ports), a daemon that escapes, and a step that uses etcd. */
export async function etcdLesson(dir: string): Promise<{ file: string; port: number }> {
  const [port, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const file = await writeLesson(dir, 'etcd', [
    '---',
    'id: faults-etcd',
    'title: Faults (etcd)',
    'reset: [etcd-data]',
    'components:',
    `  etcd: { session: etcd, ready: "${url}/health" }`,
    '---',
    '## etcd {#etcd}',
    '```bash { name=etcd session=etcd timeout=30s }',
    `etcd --name faults --data-dir etcd-data --listen-client-urls ${url} --advertise-client-urls ${url} --listen-peer-urls ${peerUrl} --initial-advertise-peer-urls ${peerUrl} --initial-cluster faults=${peerUrl}`,
    '```',
    'Two daemons leave the tree: one keeps the marker (setsid), one has no environment at all (env -i).',
    '```bash { name=daemons }',
    'setsid sleep 7771 >/dev/null 2>&1 </dev/null &',
    'env -i setsid sleep 7772 >/dev/null 2>&1 </dev/null &',
    '```',
    '## Use {#use}',
    '```bash { name=put }',
    `ETCDCTL_API=3 etcdctl --endpoints ${url} --dial-timeout=1s --command-timeout=2s put greeting hello`,
    '```',
  ]);
  return { file, port };
}

/** Whether something accepts connections on 127.0.0.1:port. */
export async function listening(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The steps of state.json's progress, as `name:status[:reason]`. */
export async function savedSteps(workdir: string): Promise<string[]> {
  const state = JSON.parse(await readFile(join(workdir, 'state.json'), 'utf8')) as {
    progress?: { steps: { name: string; status: string; outcome?: { reason?: string } }[] };
  };
  return (state.progress?.steps ?? []).map(
    (s) => `${s.name}:${s.status}${s.outcome?.reason ? `:${s.outcome.reason}` : ''}`,
  );
}
