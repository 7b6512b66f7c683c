import { constants } from 'node:fs';
import { access, readFile, stat, statfs } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { failureMessage, runFile } from '../processes/exec-file.js';
import type { DoctorDeps } from './checks.js';

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Try to listen on the port on every address, as the components will. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The real host. */
export const hostDeps: DoctorDeps = {
  run: async (command, args, timeoutMs = 10_000) => {
    const result = await runFile(command, args, {
      timeoutMs,
      killSignal: 'SIGTERM',
      stripFinalNewline: true,
    });
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr:
        result.exitCode === undefined ? failureMessage(command, args, result, timeoutMs) : result.stderr,
    };
  },
  readFile: (path) => readFile(path, 'utf8').catch(() => undefined),
  exists: (path) =>
    stat(path).then(
      () => true,
      () => false,
    ),
  isExecutable: executable,
  which: async (name) => {
    for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
      if (await executable(join(dir, name))) return join(dir, name);
    }
    return undefined;
  },
  portFree,
  lookup: async (host) => {
    try {
      return (await lookup(host, { all: true })).map((entry) => entry.address);
    } catch {
      return [];
    }
  },
  hostname: () => hostname(),
  uid: () => process.getuid?.() ?? -1,
  freeBytes: async (path) => {
    for (let dir = path; ; dir = dirname(dir)) {
      try {
        const info = await statfs(dir);
        return info.bavail * info.bsize;
      } catch {
        if (dirname(dir) === dir) return undefined;
      }
    }
  },
};
