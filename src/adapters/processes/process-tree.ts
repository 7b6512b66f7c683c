import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * Processes, read from /proc. The engine ends only processes it can prove it started: the ids it
 * recorded (checked against their start time, so a reused id is never hit), everything below them, and
 * everything carrying its run's marker in the environment (a daemon that re-parented itself to init,
 * like containerd's shims). Never by name.
 */

/** One process as /proc shows it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/PID/stat): with the pid, a unique identity. */
  startTime: number;
  comm: string;
  /** One-letter state; `Z` (zombie) and `X` (dead) count as ended. */
  state: string;
  /** Controlling terminal (field 7, tty_nr); 0 for a daemon that has none. */
  tty?: number;
}

/** A process the engine recorded when it started it. */
export interface ProcessRecord {
  pid: number;
  startTime: number;
  /** What it is: `tmux-server`, `pane` (a session's shell), `component`. */
  role: string;
  session?: string;
}

/** Parse /proc/PID/stat (the command name may hold spaces and parentheses). */
export function parseStat(text: string): ProcInfo | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close === -1) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is the state (field 3): ppid is field 4, starttime field 22.
  const ppid = Number(fields[1]);
  const startTime = Number(fields[19]);
  const tty = Number(fields[4]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return {
    pid,
    ppid,
    startTime,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ...(Number.isInteger(tty) ? { tty } : {}),
  };
}

/** Every process of the machine (the ones that vanish while being read are skipped). */
export async function processTable(): Promise<Map<number, ProcInfo>> {
  const table = new Map<number, ProcInfo>();
  const names = await readdir('/proc');
  await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (name) => {
        try {
          const info = parseStat(await readFile(`/proc/${name}/stat`, 'utf8'));
          // A zombie has ended: only its parent's wait() is missing.
          if (info && info.state !== 'Z' && info.state !== 'X') table.set(info.pid, info);
        } catch {
          // Ended meanwhile.
        }
      }),
  );
  return table;
}

/** A process's identity now (undefined when it is gone). */
export async function processInfo(pid: number): Promise<ProcInfo | undefined> {
  try {
    const info = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
    return info && info.state !== 'Z' && info.state !== 'X' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Record a running process (its start time makes the record safe against pid reuse). */
export async function recordProcess(
  pid: number,
  role: string,
  session?: string,
): Promise<ProcessRecord | undefined> {
  const info = await processInfo(pid);
  if (!info) return undefined;
  return { pid, startTime: info.startTime, role, ...(session ? { session } : {}) };
}

/** Is this record still the same live process? */
export function isAlive(record: ProcessRecord, table: Map<number, ProcInfo>): boolean {
  const info = table.get(record.pid);
  return info !== undefined && info.startTime === record.startTime;
}

/** Every pid at or below the given ones, parents before children. */
export function descendants(table: Map<number, ProcInfo>, roots: Iterable<number>): number[] {
  const children = new Map<number, number[]>();
  for (const info of table.values()) {
    const list = children.get(info.ppid) ?? [];
    list.push(info.pid);
    children.set(info.ppid, list);
  }
  const out: number[] = [];
  const seen = new Set<number>();
  const queue = [...roots].filter((pid) => table.has(pid));
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Pids whose environment holds `NAME=VALUE` exactly (the engine's run marker). */
export async function processesWithEnv(
  table: Map<number, ProcInfo>,
  name: string,
  value: string,
): Promise<number[]> {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  await Promise.all(
    [...table.keys()].map(async (pid) => {
      try {
        const environ = await readFile(`/proc/${pid}/environ`, 'latin1');
        if (environ.split('\0').includes(wanted)) found.push(pid);
      } catch {
        // Gone, or not ours to read.
      }
    }),
  );
  return found;
}

/**
 * Daemons working in a folder: processes with no controlling terminal whose working directory is `dir` or
 * below (also when the folder was removed meanwhile: `/proc/PID/cwd` then ends in ` (deleted)`). This finds
 * what a lesson started and that left both its tree and its marker (`env -i setsid prog &`); a person's shell
 * sitting in the folder has a terminal and is never one of them.
 */
export async function daemonsWorkingIn(table: Map<number, ProcInfo>, dir: string): Promise<number[]> {
  const found: number[] = [];
  await Promise.all(
    [...table.values()].map(async (info) => {
      if (info.tty !== 0 || info.pid === 1) return;
      try {
        const cwd = (await readlink(`/proc/${info.pid}/cwd`)).replace(/ \(deleted\)$/, '');
        if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(info.pid);
      } catch {
        // Gone, or a kernel thread.
      }
    }),
  );
  return found;
}

/** This process's ancestors (its parent, grandparent... up to init, excluded). */
export function ancestors(table: Map<number, ProcInfo>, pid: number): number[] {
  const out: number[] = [];
  for (let p = table.get(pid)?.ppid; p !== undefined && p > 1 && !out.includes(p); p = table.get(p)?.ppid)
    out.push(p);
  return out;
}
