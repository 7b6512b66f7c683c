import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSafely } from '../files/write-file-safely.js';
import { workdirLayout, type Workdir } from './workdir.js';

/** A unix socket path holds at most 107 bytes; keep a margin for tmux's own checks. */
export const MAX_SOCKET_PATH = 100;

/** Where the engine keeps its own files in a work directory (start-up file, tmux config, history). */
export function engineDir(root: string): string {
  return join(workdirLayout(root).root, '.demystify');
}

/**
 * The tmux socket of a work directory: `WORKDIR/tmux.sock`, or, when that path is too long for a unix
 * socket, `/tmp/demystify-<hash of the workdir>/tmux.sock` (the same workdir always gives the same path,
 * and it is recorded in state.json).
 */
export function tmuxSocketPath(root: string): string {
  const layout = workdirLayout(root);
  if (Buffer.byteLength(layout.tmuxSocket) <= MAX_SOCKET_PATH) return layout.tmuxSocket;
  return join(shortSocketFolder(root), 'tmux.sock');
}

/**
 * Where a work directory whose path is too long for a unix socket keeps its sockets:
 * `/tmp/demystify-<hash of the workdir>` (`cleanup --purge` removes it through the tmux socket's path).
 */
export function shortSocketFolder(root: string): string {
  const hash = createHash('sha256').update(workdirLayout(root).root).digest('hex').slice(0, 16);
  return join('/tmp', `demystify-${hash}`);
}

/** The files of the engine in a work directory. */
export interface EngineFiles {
  layout: Workdir;
  dir: string;
  rcFile: string;
  tmuxConf: string;
  historyFile: string;
  /** Folder holding a `demystify` launcher, so lesson steps can call `demystify pki ...`. */
  selfBin: string;
  socket: string;
}

/** Paths of the engine's files (nothing is created). */
export function engineFiles(root: string): EngineFiles {
  const layout = workdirLayout(root);
  const dir = engineDir(root);
  return {
    layout,
    dir,
    rcFile: join(dir, 'shell-rc.bash'),
    tmuxConf: join(dir, 'tmux.conf'),
    historyFile: join(dir, 'history'),
    selfBin: join(dir, 'bin'),
    socket: tmuxSocketPath(root),
  };
}

/** The tmux configuration of the private server. */
const TMUX_CONF = `# Written by demystify: the private tmux server of one lesson.
# The server outlives its sessions during a replay; cleanup ends it explicitly.
set -s exit-empty off
set -g history-limit 50000
set -g remain-on-exit off
set -g status-left '[#S] '
set -g status-right 'demystify'
`;

/**
 * Write the tmux configuration and the `demystify` launcher (this very installation, run by this Node),
 * and create the socket's folder. Everything is the owner's only (0700 folders, 0600 files): the logs
 * record whatever a learner types and reads, keys included. The work directory itself exists already
 * (ensureWorkdir).
 */
export async function prepareEngineFiles(files: EngineFiles): Promise<void> {
  for (const dir of [files.dir, files.selfBin, files.layout.logs, join(files.socket, '..')])
    await privateFolder(dir);
  await writeFileSafely(files.tmuxConf, TMUX_CONF, { mode: 0o600 });
  const cli = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));
  const launcher = join(files.selfBin, 'demystify');
  await writeFileSafely(launcher, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(cli)} "$@"\n`, {
    mode: 0o700,
  });
}

/** Create a folder owner-only, or make an existing one so (when it is ours). */
export async function privateFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) !== 0 && info.uid === process.geteuid?.()) await chmod(dir, 0o700);
}

/** The marker file: the work directory's process marker, kept where cleanup finds it without state.json. */
function markerFile(files: EngineFiles): string {
  return join(files.dir, 'marker');
}

/** Keep the marker in `.demystify/marker` (0600), unless it already says so. */
export async function writeMarker(files: EngineFiles, marker: string): Promise<void> {
  if ((await readMarker(files)) === marker) return;
  await writeFileSafely(markerFile(files), `${marker}\n`, { mode: 0o600, parents: true });
}

/** The marker `.demystify/marker` keeps, if any (a damaged file counts as none). */
export async function readMarker(files: EngineFiles): Promise<string | undefined> {
  try {
    const text = (await readFile(markerFile(files), 'utf8')).trim();
    return /^[0-9a-f]{8,64}$/.test(text) ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** PATH of the sessions: the lesson's binaries, then demystify itself, then the user's PATH. */
export function sessionPath(
  files: EngineFiles,
  binDir: string | undefined,
  userPath = process.env.PATH ?? '',
): string {
  return [binDir ?? files.layout.bin, files.selfBin, userPath].filter(Boolean).join(':');
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
