import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's chromium, headless, as root: no sandbox, no GPU, no network of its own (no QUIC, no
 * background networking, updates or sync), a fresh profile each time.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What chromium printed and how it ended. */
export interface ChromiumResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run chromium with some arguments (e.g. `--dump-dom URL`, `--screenshot=FILE URL`) until it ends by
 * itself, at most `timeoutMs`. It runs in a process group of its own, led by its pid: whatever happens,
 * that group is ended by that pid before this resolves, and its temporary profile removed.
 */
export async function runChromium(args: string[], timeoutMs = 60_000): Promise<ChromiumResult> {
  const profile = await mkdtemp(join(tmpdir(), 'dm-chromium-'));
  const child = spawn('chromium', [...FLAGS, `--user-data-dir=${profile}`, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pid = child.pid;
  const timer = setTimeout(() => killGroup(pid), timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    // Its helpers (zygote, renderer) are in its group: none may outlive the test.
    killGroup(pid);
    await rm(profile, { recursive: true, force: true });
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}
