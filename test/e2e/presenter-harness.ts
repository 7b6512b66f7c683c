import { freePort } from '../helpers/ports.js';
export { freePort };
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/snapshot.js';
import { BIN } from '../helpers/paths.js';

/** The real presenter, running in a pane of a private tmux server (never the user's). */
export interface PresenterHarness {
  dir: string;
  workdir: string;
  /** The free ports the lesson's etcd listens on. */
  ports: { client: number; peer: number };
  lessonFile: string;
  /** The outer tmux server's socket (the one the presenter runs in). */
  socket: string;
  /** The command line that opens the presenter. */
  command: string;
  tmux(...args: string[]): string;
  capture(options?: { escapes?: boolean }): string;
  keys(...keys: string[]): void;
  /** Poll the screen until `predicate` holds (every 100 ms, up to `timeoutMs`); returns that screen. */
  waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** PID of the outer tmux server. */
  serverPid(): number | undefined;
  /** End everything this harness started, by PID, and remove its folder. */
  dispose(): void;
}

/**
 * A temp folder with the etcd fixture lesson on two free ports, and a private tmux server whose
 * window is `width`×`height` and runs the presenter (`node dist/src/cli/bin.js LESSON --workdir ...`).
 * The pane stays after the presenter exits (a shell waits), so what it printed can be read.
 */
export async function startPresenter(options: {
  width: number;
  height: number;
  extraArgs?: string[];
  /** Another fixture of test/fixtures/presenter (default etcd.md). */
  fixture?: string;
  /** Open `demystify learn` (learner mode) instead of the presenter. */
  learn?: boolean;
  /** Open this lesson instead of the etcd fixture (`builtin`: no lesson argument, the built-in one). */
  lesson?: string;
}): Promise<PresenterHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-presenter-'));
  const [client, peer] = [await freePort(), await freePort()];
  const lessonFile = join(dir, 'etcd.md');
  const source = readFileSync(join(FIXTURES, 'presenter', options.fixture ?? 'etcd.md'), 'utf8')
    .replace(/@CLIENT_PORT@/g, String(client))
    .replace(/@PEER_PORT@/g, String(peer));
  writeFileSync(lessonFile, source);
  const workdir = join(dir, 'wd');
  const socket = join(dir, 'outer.sock');
  const lessonArg = options.lesson === 'builtin' ? [] : [options.lesson ?? lessonFile];
  const args = options.learn
    ? ['learn', ...lessonArg, '--workdir', workdir, ...(options.extraArgs ?? [])]
    : [...lessonArg, '--workdir', workdir, '--typing', 'instant', ...(options.extraArgs ?? [])];
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const tmux = (...a: string[]): string =>
    execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...a], { encoding: 'utf8', env: cleanEnv(dir) });
  tmux('new-session', '-d', '-s', 'main', '-x', String(options.width), '-y', String(options.height), 'sh');
  tmux('set-option', '-t', 'main', 'status', 'off');
  tmux('set-option', '-g', 'window-size', 'manual');
  tmux('resize-window', '-t', 'main', '-x', String(options.width), '-y', String(options.height));
  const harness: PresenterHarness = {
    dir,
    workdir,
    ports: { client, peer },
    lessonFile,
    socket,
    command,
    tmux,
    capture: (o = {}) => tmux('capture-pane', '-p', ...(o.escapes ? ['-e'] : []), '-t', 'main'),
    keys: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    async waitFor(predicate, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      while (Date.now() < deadline) {
        screen = harness.capture();
        if (predicate(screen)) return screen;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
    },
    serverPid() {
      try {
        return Number(tmux('display-message', '-p', '#{pid}').trim()) || undefined;
      } catch {
        return undefined;
      }
    },
    dispose() {
      // The presenter first (it lives in the outer server and holds the work directory's lock, so a
      // cleanup before it ends is refused), then the lesson's own machine: its tmux server is a daemon,
      // outside the outer server's tree, and would outlive the test. --force: a lock left by the
      // presenter just ended is taken over.
      const pid = harness.serverPid();
      if (pid) killTree(pid);
      try {
        execFileSync(process.execPath, [BIN, 'cleanup', '--force', '--workdir', workdir], {
          stdio: 'ignore',
          env: cleanEnv(dir),
        });
      } catch {
        // Nothing ran, or already cleaned up.
      }
      // What cleanup missed is a bug: it fails the test, after being ended by PID so the machine stays
      // clean. Processes killed a moment ago may still be going away: they get a few seconds.
      const deadline = Date.now() + 3000;
      let left = processesMentioning(workdir);
      while (left.length > 0 && Date.now() < deadline) {
        execFileSync('sleep', ['0.1']);
        left = processesMentioning(workdir);
      }
      for (const p of left) killTree(p);
      rmSync(dir, { recursive: true, force: true });
      if (left.length > 0)
        throw new Error(`${left.length} process(es) left in ${workdir}: ${left.join(' ')}`);
    },
  };
  return harness;
}

/** Open the presenter in the harness's pane; the shell prints `EXITED <code>` when it ends. */
export function openPresenter(h: PresenterHarness): void {
  h.keys('-l', `clear; ${h.command}; echo "EXITED $?"`);
  h.keys('Enter');
}

/** The environment of the test's processes: no user tmux, no user key bindings, a UTF-8 locale. */
function cleanEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(dir, 'config'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
  };
  delete env.TMUX;
  delete env.TMUX_PANE;
  return env;
}

/** Process ids whose command line or working folder mentions `text` (to prove nothing is left). */
export function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // A process that is going away.
      }
      if (cmdline.includes(text) || cwd.startsWith(text)) found.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** SIGKILL a process and all its descendants (children first found through /proc). */
export function killTree(pid: number): void {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const p = Number(name);
    if (!Number.isInteger(p)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), p]);
    } catch {
      // Gone.
    }
  }
  const all: number[] = [];
  const walk = (p: number): void => {
    all.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  for (const p of all.reverse()) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
