import { freePort } from '../helpers/ports.js';
export { freePort };
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkdirRuntime } from '../../src/adapters/runtime/workdir-runtime.js';
import { processesUnder } from '../helpers/processes.js';
import { BIN, ROOT } from '../helpers/paths.js';
export { BIN, ROOT };

/** The engine's fixture lesson (etcd with TLS, containerd). */
export const FIXTURE = join(ROOT, 'test/fixtures/lessons/engine-fixture.md');

/** No process may have its working directory or command line in `dir`; the tmux server is gone. */
export async function assertNothingLeft(dir: string): Promise<void> {
  // Processes that were just killed may take a moment to be reaped.
  for (let i = 0; i < 50; i++) {
    if ((await processesUnder(dir)).length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(await processesUnder(dir), [], `processes left in ${dir}`);
}

/**
 * A temporary folder for a work directory (the folder itself, or `work/` inside it). When the test ends,
 * even after a failed assertion, whatever the engine started there is ended by its own cleanup (recorded
 * pids and marker, never by name), then the folder goes.
 */
export async function tempWorkdir(
  t: { after: (fn: () => Promise<void>) => void },
  prefix = 'dm-engine-',
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    const roots = [
      dir,
      ...(await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => join(dir, e.name)),
    ];
    for (const root of roots) {
      if (!existsSync(join(root, '.demystify')) && !existsSync(join(root, 'state.json'))) continue;
      // Needs no state.json: a test that broke it on purpose is cleaned up all the same.
      await WorkdirRuntime.openForCleanup(root)
        .then((m) => m.cleanup({ purge: true }))
        .catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The fixture lesson with free ports, written into `dir`; returns its path. */
export async function fixtureLesson(dir: string, edit: (text: string) => string = (t) => t): Promise<string> {
  const [etcdPort, peerPort] = [await freePort(), await freePort()];
  const text = (await readFile(FIXTURE, 'utf8')).replace(
    'vars: { etcdPort: "23790", peerPort: "23800" }',
    `vars: { etcdPort: "${etcdPort}", peerPort: "${peerPort}" }`,
  );
  assert.ok(text.includes(`"${etcdPort}"`), 'the fixture vars line was found');
  const file = join(dir, 'engine-fixture.md');
  await writeFile(file, edit(text));
  return file;
}

/**
 * A signal aborted when the test ends: the terminal keeps watching a session log until told to stop
 * (a component's command never ends), and a pending watch would keep the test process alive.
 */
export function stopWatching(t: { after: (fn: () => Promise<void>) => void }): AbortSignal {
  const controller = new AbortController();
  t.after(async () => controller.abort());
  return controller.signal;
}
