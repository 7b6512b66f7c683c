import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The folders of one lesson's work directory. Everything a run creates lives below `root`. */
export interface Workdir {
  root: string;
  /** Binaries installed by `fetch` or `bundle load`; first on PATH in every session. */
  bin: string;
  /** One log per tmux session (`<session>.log`), filled by tmux pipe-pane. */
  logs: string;
  /** Progress of the run, written atomically. */
  stateFile: string;
  /** The private tmux server's socket. */
  tmuxSocket: string;
}

/**
 * Where a lesson works when no `--workdir` is given: `$DEMYSTIFY_HOME/<lesson-id>`, where
 * DEMYSTIFY_HOME defaults to `$XDG_DATA_HOME/demystify` (`~/.local/share/demystify`). One folder per
 * lesson, so two lessons never share a tmux server or state.
 */
export function defaultWorkdirRoot(lessonId: string, env: NodeJS.ProcessEnv = process.env): string {
  const home =
    env.DEMYSTIFY_HOME ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'demystify');
  return join(home, lessonId);
}

/** The layout of a work directory (nothing is created here). */
export function workdirLayout(root: string): Workdir {
  const abs = resolve(root);
  return {
    root: abs,
    bin: join(abs, 'bin'),
    logs: join(abs, 'logs'),
    stateFile: join(abs, 'state.json'),
    tmuxSocket: join(abs, 'tmux.sock'),
  };
}

/** The download cache shared by every lesson: `$XDG_CACHE_HOME/demystify` (`~/.cache/demystify`). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'demystify');
}
