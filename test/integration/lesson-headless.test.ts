import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { c as createTar } from 'tar';
import { detectArch } from '../../src/adapters/fetch/arch.js';
import { resolveArtifact } from '../../src/adapters/fetch/resolve.js';
import { namespaceName } from '../../src/adapters/isolation/address.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { removeNamespace, TestHost } from './isolation-helpers.js';
import { BIN, ROOT } from '../helpers/paths.js';

// The built-in lesson's first chapters for real, headless: `demystify fetch` downloading from a local
// mirror (DEMYSTIFY_MIRROR: a static server in the test host's namespace, reached by the isolated node
// through its host end), `demystify pki`, `demystify kubeconfig`, openssl and kubectl checks, then Debian's
// etcd (given with --bin-dir) with TLS, its health probe and etcdctl. The lesson isolates itself, so etcd
// listens on its usual 2379 inside its own namespace; demystify runs inside a namespace the test creates
// to play the host, so the machine's own network is never touched.

const LESSON = join(ROOT, 'lessons/demystify-kubernetes.en.md');
const LESSON_ID = 'demystify-kubernetes';
const STATIC_SERVER = join(ROOT, 'test/helpers/static-server.mjs');

const cleanups: (() => Promise<void>)[] = [];
/** Namespaces this file creates: none may be left once it is done (other tests may add their own meanwhile). */
const namespaces: string[] = [];

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const name of namespaces)
    assert.equal(existsSync(`/run/netns/${name}`), false, `namespace ${name} left behind`);
});

/** The machine's own programs the first chapters run (Debian's etcd, the installed kubectl). */
const MACHINE_PROGRAMS: Record<string, string> = {
  etcd: '/usr/bin/etcd',
  etcdctl: '/usr/bin/etcdctl',
  kubectl: '/usr/bin/kubectl',
};

/**
 * The test's stand-in for a release file: for the programs the first chapters run, a two-line script that
 * hands over to the machine's own program; for the others a placeholder that refuses to run. Never shipped.
 */
function standIn(installedName: string): string {
  const real = MACHINE_PROGRAMS[installedName];
  return real
    ? `#!/bin/sh\n# test stand-in: the machine's own ${installedName}\nexec ${real} "$@"\n`
    : '#!/bin/sh\necho "test placeholder of a release file, never meant to run" >&2\nexit 1\n';
}

/**
 * A mirror of the lesson's release files: every artifact (test stand-ins, see above) at the path of its
 * official URL, and its checksum file at the path of its `sha256Url`, as the projects publish them.
 */
async function prepareMirror(mirrorDir: string): Promise<number> {
  const { lesson } = parseLesson(await readFile(LESSON, 'utf8'), LESSON);
  const arch = detectArch();
  let files = 0;
  for (const spec of lesson.artifacts) {
    const artifact = resolveArtifact(spec, { arch });
    const path = join(mirrorDir, new URL(artifact.url).pathname);
    await mkdir(dirname(path), { recursive: true });
    if (artifact.archive) {
      const tree = await mkdtemp(join(tmpdir(), 'dm-headless-tree-'));
      for (const [entry, name] of Object.entries(artifact.extract)) {
        await mkdir(dirname(join(tree, entry)), { recursive: true });
        await writeFile(join(tree, entry), standIn(name), { mode: 0o755 });
      }
      await createTar({ gzip: true, file: path, cwd: tree }, Object.keys(artifact.extract));
      await rm(tree, { recursive: true, force: true });
    } else {
      await writeFile(path, standIn(Object.values(artifact.extract)[0] ?? ''), { mode: 0o755 });
    }
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    const sums = join(mirrorDir, new URL(artifact.sha256Url ?? `${artifact.url}.sha256`).pathname);
    await mkdir(dirname(sums), { recursive: true });
    await writeFile(sums, `${sha256}  ${artifact.file}\n`, { flag: 'a' });
    files++;
  }
  return files;
}

/** Start the static server in the test host's namespace; resolves once it listens. */
async function startMirror(
  host: TestHost,
  dir: string,
  port: number,
): Promise<{ pid: number; log: () => string }> {
  const child = spawn(
    host.prefix[0]!,
    [...host.prefix.slice(1), process.execPath, STATIC_SERVER, dir, String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (let i = 0; i < 100 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /listening/, 'the mirror did not start');
  return { pid: child.pid!, log: () => out };
}

/** Processes whose working directory is inside `dir` (what a lesson leaves running if anything). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

test('the built-in lesson runs headless from the certificates to etcd, and cleans up after itself', async (t) => {
  const host = await TestHost.create(t);
  const home = await mkdtemp(join(tmpdir(), 'dm-headless-'));
  const workdir = join(home, LESSON_ID);
  const cache = join(home, 'cache');
  const mirrorDir = join(home, 'mirror');
  // The node's address is given so that the mirror's address, the namespace's host end, is known.
  const address = '10.200.77.2';
  const mirrorUrl = 'http://10.200.77.1:8099';
  const binDir = join(home, 'debian-bin');
  const cli = (args: string[]) =>
    execa(host.prefix[0]!, [...host.prefix.slice(1), process.execPath, BIN, ...args], {
      env: {
        ...process.env,
        DEMYSTIFY_HOME: home,
        XDG_CACHE_HOME: cache,
        DEMYSTIFY_MIRROR: mirrorUrl,
        LANG: 'C.UTF-8',
      },
      reject: false,
      timeout: 240_000,
    });
  namespaces.push(host.name, namespaceName(workdir));
  cleanups.push(async () => {
    await cli(['cleanup', LESSON_ID]).catch(() => undefined);
    await removeNamespace(namespaceName(workdir));
    await rm(home, { recursive: true, force: true });
  });
  const artifacts = await prepareMirror(mirrorDir);
  const mirror = await startMirror(host, mirrorDir, 8099);
  cleanups.push(async () => {
    try {
      process.kill(mirror.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  });
  await mkdir(binDir, { recursive: true });
  for (const program of ['etcd', 'etcdctl']) await symlink(`/usr/bin/${program}`, join(binDir, program));
  await chmod(home, 0o755);
  const hostBefore = await host.snapshot();

  const run = await cli([
    'run',
    LESSON,
    '--from',
    'certificates',
    '--to',
    'etcd',
    '--bin-dir',
    binDir,
    '--address',
    address,
    '--json',
  ]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, /isolated: network namespace demystify-[0-9a-f]{8}, node address 10\.200\.\d+\.2/);
  const finished = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(
      (line) =>
        JSON.parse(line) as { event: string; step?: string; fast?: boolean; outcome?: { kind: string } },
    )
    .filter((e) => e.event === 'step-finished');
  const outcome = (step: string): string | undefined => finished.find((e) => e.step === step)?.outcome?.kind;
  // Prerequisites are fast-forwarded: fetch runs (from the mirror), its checks are skipped.
  assert.equal(outcome('fetch'), 'ok');
  const downloads = mirror
    .log()
    .split('\n')
    .filter((line) => / 200$/.test(line) && !/sha256|SHA256SUMS/.test(line));
  // helm is only for the online options (network=calico, ingress=helm): the default run leaves it out.
  assert.equal(
    downloads.length,
    artifacts - 1,
    `every artifact the default options need downloaded once from the mirror:\n${mirror.log()}`,
  );
  assert.doesNotMatch(mirror.log(), /helm/);
  assert.equal(outcome('doctor'), 'skipped');
  for (const step of [
    'pki',
    'list-certs',
    'cert-subject',
    'cert-sans',
    'kubeconfig',
    'use-kubeconfig',
    'view-kubeconfig',
    'start-etcd',
    'etcdctl-env',
    'etcd-health',
    'etcd-put',
    'etcd-get',
  ]) {
    assert.equal(
      outcome(step),
      'ok',
      `step ${step}: ${JSON.stringify(finished.find((e) => e.step === step))}`,
    );
  }
  assert.equal(
    finished.some((e) => e.step === 'start-apiserver'),
    false,
    'the run stops after the etcd chapter',
  );

  // What the chapters left in the work directory: the fetched files, certificates, a kubeconfig, etcd's data.
  for (const file of [
    'bin/kube-apiserver',
    'bin/etcd',
    'cni/bin/bridge',
    'certs/ca.pem',
    'certs/admin.pem',
    'admin.conf',
  ]) {
    assert.ok(existsSync(join(workdir, file)), `${file} missing`);
  }
  assert.ok(existsSync(join(workdir, 'etcd-data', 'member')));
  const sans = await execa('openssl', [
    'x509',
    '-in',
    join(workdir, 'certs/admin.pem'),
    '-noout',
    '-ext',
    'subjectAltName',
  ]);
  assert.match(sans.stdout, /IP Address:10\.0\.0\.1/);
  assert.match(readFileSync(join(workdir, 'admin.conf'), 'utf8'), /server: https:\/\/127\.0\.0\.1:6443/);

  // etcd answers inside the lesson's namespace, with the lesson's certificates, and holds the lesson's key.
  const get = await cli([
    'exec',
    '--lesson',
    LESSON_ID,
    '--',
    'etcdctl',
    '--endpoints',
    'https://127.0.0.1:2379',
    '--cacert',
    join(workdir, 'certs/ca.pem'),
    '--cert',
    join(workdir, 'certs/admin.pem'),
    '--key',
    join(workdir, 'certs/admin-key.pem'),
    'get',
    '/demystify/hello',
    '--print-value-only',
  ]);
  assert.equal(get.stdout.trim(), 'world', get.stderr);
  const status = JSON.parse((await cli(['status', LESSON_ID, '--json'])).stdout) as {
    components: { name: string; ready: boolean; pid?: number }[];
  };
  const etcd = status.components.find((c) => c.name === 'etcd');
  assert.equal(etcd?.ready, true);
  assert.ok(etcd?.pid !== undefined && existsSync(`/proc/${etcd.pid}`));

  const cleanup = await cli(['cleanup', LESSON_ID]);
  assert.equal(cleanup.exitCode, 0, cleanup.stderr);
  assert.equal(existsSync(`/proc/${etcd.pid}`), false, 'etcd ended');
  assert.deepEqual(processesIn(workdir), [], 'a process still runs in the work directory');
  assert.equal(existsSync(`/run/netns/${namespaceName(workdir)}`), false);
  assert.deepEqual(await host.snapshot(), hostBefore, "the test host's network is as before");
});
