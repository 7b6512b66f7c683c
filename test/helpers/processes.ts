import { readFile, readlink } from 'node:fs/promises';
import { processTable } from '../../src/adapters/processes/process-tree.js';

/** Pids whose working directory or command line points into `dir` (what tests assert is empty after a cleanup). */
export async function processesUnder(dir: string): Promise<{ pid: number; comm: string; why: string }[]> {
  const table = await processTable();
  const out: { pid: number; comm: string; why: string }[] = [];
  const inside = (p: string): boolean => p === dir || p.startsWith(`${dir}/`);
  await Promise.all(
    [...table.values()].map(async (info) => {
      if (info.pid === process.pid) return;
      try {
        const cwd = await readlink(`/proc/${info.pid}/cwd`);
        if (inside(cwd)) return void out.push({ pid: info.pid, comm: info.comm, why: `cwd ${cwd}` });
        const cmdline = (await readFile(`/proc/${info.pid}/cmdline`, 'utf8')).split('\0').join(' ');
        if (cmdline.includes(dir))
          out.push({ pid: info.pid, comm: info.comm, why: `cmdline ${cmdline.slice(0, 200)}` });
      } catch {
        // Gone, or a kernel thread.
      }
    }),
  );
  return out;
}
