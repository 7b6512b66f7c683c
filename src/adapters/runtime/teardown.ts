/**
 * Ending what a work directory's lesson started: reset (back to a clean start, the tmux server kept) and
 * cleanup (everything ended, unmounted and, with `purge`, removed). Separate from WorkdirRuntime because
 * it is the one part that kills, unmounts and removes, with its own safety rules (reset paths never
 * contain the work directory; a symbolic link is removed, never followed); the runtime passes it a small
 * context of what it needs.
 */
import { lstat, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { DemystifyError, messageOf } from '../../errors.js';
import { removeEmptyFolders, removeHostLeftovers } from '../cleanup/host-leftovers.js';
import {
  defaultMountOps,
  isAtOrBelow,
  unmountBelow,
  type MountOps,
  type UnmountResult,
} from '../cleanup/mounts.js';
import { stopOwned, defaultKillDeps, type KillDeps } from '../processes/process-kill.js';
import { processTable } from '../processes/process-tree.js';
import { Tmux } from '../tmux/tmux.js';
import type { EngineFiles } from '../workdir/engine-files.js';
import type { WorkdirState } from '../workdir/state-store.js';

/** What a clean-up did. */
export interface CleanupResult {
  /** Processes ended (pids). */
  ended: number[];
  survivors: number[];
  /** Whether the tmux server was still running. */
  server: boolean;
  /** Mount points unmounted, and of those the busy ones detached lazily. */
  unmounted: string[];
  detached: string[];
  /** Files and folders the components left on the machine, removed (Pod logs, shim sockets...). */
  leftovers: string[];
  /**
   * How the work directory's state was found: `state.json`, or without it (`missing`, or `invalid` with
   * why), in which case processes were found by the marker file, the tmux socket and their working folder.
   */
  state:
    | { source: 'state.json' }
    | { source: 'missing' }
    | { source: 'invalid'; problem: string; movedTo?: string };
}

/** Injectable parts of teardown: process signalling and mounts (tests). */
export interface TeardownDeps {
  kill?: KillDeps;
  /** Finding and unmounting what the lesson mounted (default: mountinfo and util-linux umount). */
  mounts?: MountOps;
  /** Grace between SIGTERM and SIGKILL when stopping components (default 5 s). */
  graceMs?: number;
}

/** What teardown needs of a work directory's runtime. */
export interface TeardownContext {
  files: EngineFiles;
  /** The client of the work directory's own tmux server. */
  tmux: Tmux;
  /** The state as last read or written: read at each use, since stopping reads state.json again. */
  state(): WorkdirState;
  /** Read state.json again (nothing is read when it was unusable). */
  refresh(): Promise<WorkdirState>;
  change(fn: (s: WorkdirState) => WorkdirState | void): Promise<void>;
  deps: TeardownDeps;
  /** Opened without a usable state.json (openForCleanup): nothing is read or written there. */
  recovered: CleanupResult['state'] | undefined;
  /** The marker in `.demystify/marker`, when it differs from state.json's (or there is no state.json). */
  fileMarker: string | undefined;
}

/**
 * Bring the machine back to a clean start (the "reset" of reset-and-fast-forward): end every process
 * the sessions started (the tmux server stays), unmount what the lesson mounted in its reset paths and
 * remove them, forget components.
 */
export async function resetWorkdir(ctx: TeardownContext): Promise<void> {
  const paths = resetPaths(ctx);
  const serverPid = await ctx.tmux.serverPid();
  // Every session of the private server is the lesson's, recorded or not (a state.json deleted
  // meanwhile): the server stays, everything below it goes.
  const server = serverPid === undefined ? [] : [serverPid];
  await stop(ctx, server, server);
  for (const path of paths) await unmount(ctx, path, true);
  await removeHostLeftovers(ctx.state(), ctx.files.layout.root);
  for (const path of paths) await remove(path);
  await ctx.change((s) => {
    s.processes = s.processes.filter((p) => p.role === 'tmux-server');
    s.components = {};
  });
}

/**
 * End every process the engine started and its tmux server, then unmount what the lesson left mounted
 * in its reset paths and below the work directory (kubelet's volumes, containerd's rootfs and shm, Pods'
 * network namespaces); with `purge`, also remove the reset paths and the generated state. Safe to run
 * twice: what is already gone is skipped.
 */
export async function cleanupWorkdir(
  ctx: TeardownContext,
  options: { purge?: boolean } = {},
): Promise<CleanupResult> {
  const { files } = ctx;
  // The server answering on the work directory's socket (the recorded one, and the one its path gives:
  // without state.json only that one is known) is ended with everything below it.
  const sockets = [...new Set([ctx.state().tmuxSocket, files.socket])];
  const servers = sockets.map((socket) => (socket === ctx.tmux.socket ? ctx.tmux : tmuxAt(files, socket)));
  const serverPids: number[] = [];
  // Without tmux (uninstalled meanwhile) no server can answer: its processes carry the marker anyway.
  const noTmux = (error: unknown): undefined => {
    if (error instanceof DemystifyError && error.code === 'TMUX_MISSING') return undefined;
    throw error;
  };
  for (const tmux of servers) {
    const pid = await tmux.serverPid().catch(noTmux);
    if (pid !== undefined) serverPids.push(pid);
  }
  const { ended, survivors } = await stop(ctx, [], serverPids);
  for (const tmux of servers) await tmux.killServer().catch(noTmux);
  for (const socket of sockets) await rm(socket, { force: true });
  // Checked once the processes are ended: a lesson with a bad reset path still gets those stopped.
  const paths = resetPaths(ctx);
  const mounts: UnmountResult = { unmounted: [], detached: [] };
  for (const [path, includeRoot] of [
    ...paths.map((p) => [p, true] as const),
    [files.layout.root, false] as const,
  ]) {
    const done = await unmount(ctx, path, includeRoot);
    mounts.unmounted.push(...done.unmounted);
    mounts.detached.push(...done.detached);
  }
  const leftovers = await removeHostLeftovers(ctx.state(), files.layout.root);
  let state: CleanupResult['state'] = ctx.recovered ?? { source: 'state.json' };
  if (options.purge) {
    for (const path of paths) await remove(path);
    leftovers.push(...(await removeEmptyFolders(ctx.state().absentAtStart ?? [])));
    await remove(files.layout.logs);
    await remove(files.dir);
    for (const socket of sockets) if (socket !== files.layout.tmuxSocket) await remove(join(socket, '..'));
    // Last: a purge that failed halfway still knows the reset paths the next attempt must remove.
    await remove(files.layout.stateFile);
  } else if (state.source === 'invalid') {
    // Kept for a look, out of the way: the next run starts afresh instead of refusing.
    const movedTo = `${files.layout.stateFile}.damaged`;
    await rename(files.layout.stateFile, movedTo).catch((error: unknown) => {
      throw new DemystifyError(
        'STATE_INVALID',
        `cannot move ${files.layout.stateFile} aside: ${messageOf(error)}`,
        {
          cause: error,
          hint: `remove it by hand (rm ${files.layout.stateFile})`,
        },
      );
    });
    state = { ...state, movedTo };
  } else if (state.source === 'state.json') {
    await ctx.change((s) => {
      s.processes = [];
      s.components = {};
      delete s.progress;
      delete s.talk;
    });
  }
  return { ended, survivors, server: serverPids.length > 0, leftovers, state, ...mounts };
}

/** A client of the tmux server at another socket of this work directory (to end it). */
function tmuxAt(files: EngineFiles, socket: string): Tmux {
  return new Tmux({ socket, configFile: files.tmuxConf });
}

/**
 * Unmount everything at or below a path (strictly below without `includeRoot`). A reset path that is a
 * symbolic link is only removed, as `rm` does: what its target holds is not the lesson's to unmount.
 */
async function unmount(ctx: TeardownContext, path: string, includeRoot: boolean): Promise<UnmountResult> {
  const link =
    includeRoot &&
    (await lstat(path).then(
      (s) => s.isSymbolicLink(),
      () => false,
    ));
  if (link) return { unmounted: [], detached: [] };
  return unmountBelow(path, { includeRoot }, ctx.deps.mounts ?? defaultMountOps);
}

/** Remove a path and everything in it; one already gone is fine. */
async function remove(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    throw new DemystifyError('RESET_REMOVE', `cannot remove ${path}: ${messageOf(error)}`, {
      cause: error,
      hint: `something still uses it (see findmnt -R ${path} and fuser -vm ${path}); end it and run the command again`,
    });
  }
}

/** The lesson's reset paths, resolved and checked, all of them before anything is touched. */
function resetPaths(ctx: TeardownContext): string[] {
  return ctx.state().reset.map((path) => safePath(ctx.files.layout.root, path));
}

async function stop(
  ctx: TeardownContext,
  keep: number[],
  roots: number[] = [],
): Promise<{ ended: number[]; survivors: number[] }> {
  // Another process (a replay, a presenter) may have started sessions since this one read the state.
  await ctx.refresh();
  const state = ctx.state();
  const spec = {
    records: state.processes,
    marker: [state.marker, ...(ctx.fileMarker ? [ctx.fileMarker] : [])],
    roots,
    workdir: ctx.files.layout.root,
    keep,
    graceMs: ctx.deps.graceMs ?? 5000,
  };
  const result = await stopOwned(spec, ctx.deps.kill ?? defaultKillDeps);
  if (result.survivors.length > 0) {
    const table = await processTable();
    const named = result.survivors.map((pid) => `${pid} (${table.get(pid)?.comm ?? 'gone'})`);
    throw new DemystifyError('STOP_FAILED', `could not end processes ${named.join(', ')}`, {
      hint: 'they may belong to another user: end them by hand',
    });
  }
  return result;
}

/** A reset path resolved in the work directory; never the work directory itself or a parent of it. */
function safePath(root: string, path: string): string {
  const abs = isAbsolute(path) ? resolve(path) : resolve(root, path);
  if (isAtOrBelow(root, abs)) {
    throw new DemystifyError('RESET_PATH', `refusing to remove '${path}': it contains the work directory`, {
      hint: "a lesson's reset paths are folders inside its work directory or its own /run/demystify/<lesson-id>, /var/lib/demystify/<lesson-id>: fix the lesson's reset list",
    });
  }
  return abs;
}
