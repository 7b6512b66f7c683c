import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killTree, type PresenterHarness } from './presenter-harness.js';
import { BIN } from '../helpers/paths.js';

/** Speaker views (`demystify speaker`), each in a session of a private tmux server of their own. */
export interface SpeakerPanes {
  /** The tmux server's socket. */
  socket: string;
  /** Session names, one per view: `speaker-0`, `speaker-1`... */
  sessions: string[];
  capture(view: number): string;
  keys(view: number, ...keys: string[]): void;
  /** Poll a view's screen (every 20 ms, up to `timeoutMs`) until `predicate` holds; returns that screen. */
  waitFor(
    view: number,
    predicate: (screen: string) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<string>;
  /** End the views' tmux server and everything in it, by PID. */
  dispose(): void;
}

/**
 * Give the harness's lesson time budgets: 20 minutes for the talk (front matter), 3 seconds for the
 * first chapter (so that it runs over while the test looks), 5 minutes for the second.
 */
export function addBudgets(h: PresenterHarness): void {
  const source = readFileSync(h.lessonFile, 'utf8')
    .replace(/^lang: en$/m, 'lang: en\nbudget: 20m')
    .replace('## Start etcd {#start}', '## Start etcd {#start budget=3s}')
    .replace('## Write and read {#write-read}', '## Write and read {#write-read budget=5m}');
  writeFileSync(h.lessonFile, source);
}

/**
 * Open one speaker view per size on the harness's lesson and work directory. They run in a tmux
 * server of their own (tmux 3.3 does not survive a new window once `window-size manual` is set, as the
 * presenter's server has it); each pane keeps a shell that prints `EXITED <code>` when the view ends.
 */
export function startSpeakers(h: PresenterHarness, sizes: [number, number][]): SpeakerPanes {
  const socket = join(h.dir, 'speakers.sock');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(h.dir, 'config'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
  };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
  const command = [process.execPath, BIN, 'speaker', h.lessonFile, '--workdir', h.workdir]
    .map((a) => `'${a}'`)
    .join(' ');
  const sessions = sizes.map((_, i) => `speaker-${i}`);
  sizes.forEach(([width, height], i) => {
    const session = sessions[i] ?? '';
    tmux('new-session', '-d', '-s', session, '-x', String(width), '-y', String(height), 'sh');
    tmux('set-option', '-t', session, 'status', 'off');
    tmux('send-keys', '-t', session, '-l', `clear; ${command}; echo "EXITED $?"`);
    tmux('send-keys', '-t', session, 'Enter');
  });
  const panes: SpeakerPanes = {
    socket,
    sessions,
    capture: (view) => tmux('capture-pane', '-p', '-t', sessions[view] ?? ''),
    keys: (view, ...keys) => void tmux('send-keys', '-t', sessions[view] ?? '', ...keys),
    async waitFor(view, predicate, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      while (Date.now() < deadline) {
        screen = panes.capture(view);
        if (predicate(screen)) return screen;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`timed out waiting for ${what} in speaker view ${view}; the screen was:\n${screen}`);
    },
    dispose() {
      let pid: number | undefined;
      try {
        pid = Number(tmux('display-message', '-p', '#{pid}').trim()) || undefined;
      } catch {
        // No server: nothing to end.
      }
      if (pid) killTree(pid);
    },
  };
  return panes;
}
