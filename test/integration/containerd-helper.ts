// Test helper: a private containerd (its own root, state and sockets in a folder), for tests that need one
// only to hold images.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

/** A private containerd: its own root, state and sockets under `dir`, no CRI (not needed to hold images). */
export async function startContainerd(
  dir: string,
): Promise<{ socket: string; process: ResultPromise; log: string }> {
  const socket = join(dir, 'containerd.sock');
  const log = join(dir, 'containerd.log');
  const config = join(dir, 'config.toml');
  await mkdir(dir, { recursive: true });
  await writeFile(
    config,
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '[debug]',
      `  address = "${join(dir, 'debug.sock')}"`,
      '',
    ].join('\n'),
  );
  const child = execa('containerd', ['--config', config], {
    reject: false,
    stdout: { file: log },
    stderr: { file: log },
  });
  for (let i = 0; i < 100; i++) {
    const version = await execa('ctr', ['--address', socket, 'version'], { reject: false });
    if (version.exitCode === 0) return { socket, process: child, log };
    if (child.exitCode !== undefined && child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`containerd did not start: ${await readFile(log, 'utf8').catch(() => '')}`);
}
