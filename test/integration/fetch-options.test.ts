// fetch, doctor and a run follow the options and versions in effect: `--set`/`--pin`, else those the
// work directory's run recorded in state.json, else the lesson's defaults.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { DoctorCheck } from '../../src/adapters/doctor/checks.js';
import { newWorkdirState, writeState } from '../../src/adapters/workdir/state-store.js';
import { assertNothingLeft, BIN, tempWorkdir } from './engine-helpers.js';
import { buildRelease, fakeBinary, sha256, startReleaseServer, type ReleaseServer } from './fetch-server.js';

const ORIGIN = 'https://releases.demystify.invalid';
let server: ReleaseServer;
let scratch: string;
let lesson: string;

/** A lesson whose helm is only needed for network=calico or ingress=helm, as the built-in one means it. */
function lessonText(steps = 'echo hello'): string {
  return `---
id: fetch-options
title: Fetch options test lesson
versions: { etcd: "3.6.9", runc: "1.4.1", helm: "3.19.0" }
options:
  network: { values: [bridge, calico], default: bridge }
  ingress: { values: [manifest, helm], default: manifest }
artifacts:
  - name: etcd
    version: \${versions.etcd}
    url: ${ORIGIN}/etcd/v\${version}/etcd-v\${version}-linux-\${arch}.tar.gz
    sha256Url: ${ORIGIN}/etcd/v\${version}/SHA256SUMS
    extract: { "etcd-v\${version}-linux-\${arch}/etcd": etcd }
  - name: runc
    version: \${versions.runc}
    url: ${ORIGIN}/runc/v\${version}/runc.\${arch}
    sha256Url: ${ORIGIN}/runc/v\${version}/runc.\${arch}.sha256
    extract: { ".": runc }
  - name: helm
    version: \${versions.helm}
    url: ${ORIGIN}/helm/v\${version}/helm.\${arch}
    sha256Url: ${ORIGIN}/helm/v\${version}/helm.\${arch}.sha256
    extract: { ".": helm }
    when: [network=calico, ingress=helm]
images:
  - ref: example.test/demo/app:1.0
    url: ${ORIGIN}/images/app-\${arch}.oci.tar
  - ref: example.test/demo/traefik:1.0
    url: ${ORIGIN}/images/traefik-\${arch}.oci.tar
    when: ingress=manifest
---

# Fetch options

## One {#one}

${steps}
`;
}

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dm-fetch-options-'));
  server = await startReleaseServer();
  for (const version of ['3.6.9', '3.6.8']) {
    const release = await buildRelease('http://unused.invalid', version);
    for (const [path, body] of Object.entries(release.files)) server.files.set(path, Buffer.from(body));
  }
  for (const arch of ['amd64', 'arm64']) {
    const helm = Buffer.from(fakeBinary('helm', '3.19.0', arch));
    server.files.set(`/helm/v3.19.0/helm.${arch}`, helm);
    server.files.set(`/helm/v3.19.0/helm.${arch}.sha256`, Buffer.from(`${sha256(helm)}\n`));
  }
  for (const arch of ['amd64', 'arm64'])
    for (const name of ['app', 'traefik'])
      server.files.set(`/images/${name}-${arch}.oci.tar`, Buffer.from(`stand-in OCI archive of ${name}\n`));
  lesson = join(scratch, 'fetch-options.md');
  await writeFile(lesson, lessonText('```bash { name=hello }\necho hello\n```'));
});

after(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

function demystify(args: string[]) {
  return execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { DEMYSTIFY_MIRROR: server.url },
    timeout: 30_000,
  });
}

/** A command, and the paths the release server was asked for while it ran. */
async function requested(
  args: string[],
): Promise<Awaited<ReturnType<typeof demystify>> & { paths: string[] }> {
  const from = server.requests.length;
  const result = await demystify(args);
  return Object.assign(result, { paths: server.requests.slice(from).map((r) => r.path) });
}

test('with the default options an artifact guarded by when: [network=calico, ingress=helm] is not requested; with --set ingress=helm it is', async () => {
  const work = join(scratch, 'w1');
  const cache = join(scratch, 'c1');
  let run = await requested(['fetch', lesson, '--workdir', work, '--cache', cache]);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(
    run.paths.some((p) => p.startsWith('/etcd/')),
    run.paths.join(' '),
  );
  assert.ok(!run.paths.some((p) => p.startsWith('/helm/')), run.paths.join(' '));
  assert.match(run.stdout, /fetch-options: 2 artifacts for \w+, 2 downloaded/);
  assert.match(run.stdout, /^not needed with these options: helm \(when network=calico, ingress=helm\)$/m);
  assert.deepEqual((await readdir(join(work, 'bin'))).sort(), ['etcd', 'runc']);

  run = await requested(['fetch', lesson, '--workdir', work, '--cache', cache, '--set', 'ingress=helm']);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(
    run.paths.some((p) => p.startsWith('/helm/v3.19.0/helm.')),
    run.paths.join(' '),
  );
  assert.match(run.stdout, /fetch-options: 3 artifacts for \w+, 1 downloaded, 2 from the cache/);
  assert.doesNotMatch(run.stdout, /not needed/);
  assert.match(await readFile(join(work, 'bin', 'helm'), 'utf8'), /helm fake test binary 3\.19\.0/);

  const badSet = await demystify(['fetch', lesson, '--workdir', work, '--set', 'ingress=nginx']);
  assert.equal(badSet.exitCode, 2);
  assert.match(badSet.stderr, /option 'ingress' cannot be 'nginx'/);
});

test('fetch --workdir follows the options and pins its run recorded in state.json, --set and --pin over them', async () => {
  const work = join(scratch, 'w2');
  const cache = join(scratch, 'c2');
  await writeState(
    join(work, 'state.json'),
    newWorkdirState({
      lessonId: 'fetch-options',
      lessonFile: lesson,
      options: { network: 'calico', ingress: 'manifest' },
      pins: { etcd: { version: '3.6.8', lesson: '3.6.9' } },
      tmuxSocket: join(work, 'no-socket'),
      reset: [],
    }),
  );
  let run = await requested(['fetch', lesson, '--workdir', work, '--cache', cache]);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(
    run.paths.some((p) => p.startsWith('/helm/')),
    run.paths.join(' '),
  );
  assert.ok(run.paths.includes('/etcd/v3.6.8/SHA256SUMS'), run.paths.join(' '));
  assert.ok(!run.paths.some((p) => p.startsWith('/etcd/v3.6.9/')), run.paths.join(' '));
  assert.match(run.stdout, /^versions: etcd 3\.6\.8 \(pinned 3\.6\.9\)$/m);
  assert.match(await readFile(join(work, 'bin', 'etcd'), 'utf8'), /etcd fake test binary 3\.6\.8/);

  // The command line wins: back to bridge (no helm) and to the lesson's etcd.
  run = await requested([
    'fetch',
    lesson,
    '--workdir',
    join(scratch, 'w2b'),
    '--cache',
    cache,
    '--set',
    'network=bridge',
    '--pin',
    'etcd=3.6.9',
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(!run.paths.some((p) => p.startsWith('/helm/')), run.paths.join(' '));
  assert.ok(run.paths.includes('/etcd/v3.6.9/SHA256SUMS'), run.paths.join(' '));
  assert.doesNotMatch(run.stdout, /^versions:/m);

  // Doctor checks the binaries the run's options need, at the run's versions.
  const doctor = await demystify(['doctor', lesson, '--workdir', work, '--json']);
  const checks = (JSON.parse(doctor.stdout) as { checks: DoctorCheck[] }).checks;
  const helm = checks.find((c) => c.name === 'binary helm');
  assert.ok(helm, checks.map((c) => c.name).join(', '));
  const etcd = checks.find((c) => c.name === 'binary etcd');
  assert.equal(etcd?.status, 'ok', etcd?.detail);
  assert.match(etcd?.detail ?? '', /etcd fake test binary 3\.6\.8/);
  // A binary of the lesson's version in a work directory whose run pins another is not what that run wants.
  const other = await demystify(['doctor', lesson, '--workdir', work, '--json', '--pin', 'etcd=3.6.7']);
  const wrong = (JSON.parse(other.stdout) as { checks: DoctorCheck[] }).checks.find(
    (c) => c.name === 'binary etcd',
  );
  assert.equal(wrong?.status, 'warn', wrong?.detail);
  assert.match(wrong?.detail ?? '', /3\.6\.8 \w+; this run uses 3\.6\.7 \(the lesson pins 3\.6\.9\)$/);
  const bridge = await demystify(['doctor', lesson, '--workdir', work, '--json', '--set', 'network=bridge']);
  const names = (JSON.parse(bridge.stdout) as { checks: DoctorCheck[] }).checks.map((c) => c.name);
  assert.ok(!names.includes('binary helm'), names.join(', '));
  const lessons = await demystify(['doctor', lesson, '--workdir', work, '--json', '--pin', 'etcd=3.6.9']);
  const pinned = (JSON.parse(lessons.stdout) as { checks: DoctorCheck[] }).checks;
  const stale = pinned.find((c) => c.name === 'binary etcd');
  assert.equal(stale?.status, 'warn', stale?.detail);
  assert.match(stale?.detail ?? '', /3\.6\.8 \w+; the lesson pins 3\.6\.9$/);

  const badPin = await demystify(['fetch', lesson, '--workdir', work, '--pin', 'kubelet=1.0']);
  assert.equal(badPin.exitCode, 2);
  assert.match(badPin.stderr, /--pin names no artifact of fetch-options: kubelet/);
  assert.match(badPin.stderr, /hint: versions: etcd, runc, helm; artifacts: etcd, runc, helm/);
});

test('bundle create packs the artifacts and images the options need', async () => {
  const cache = join(scratch, 'c4');
  const plain = await requested(['bundle', 'create', join(scratch, 'plain.tar'), lesson, '--cache', cache]);
  assert.equal(plain.exitCode, 0, plain.stderr);
  assert.match(plain.stdout, /: 2 release files and 2 images of fetch-options/);
  assert.match(plain.stdout, /^not needed with these options: helm \(when network=calico, ingress=helm\)$/m);
  assert.ok(!plain.paths.some((p) => p.startsWith('/helm/')), plain.paths.join(' '));
  const helm = await requested([
    'bundle',
    'create',
    join(scratch, 'helm.tar'),
    lesson,
    '--cache',
    cache,
    '--set',
    'ingress=helm',
    '--pin',
    'etcd=3.6.8',
  ]);
  assert.equal(helm.exitCode, 0, helm.stderr);
  assert.match(helm.stdout, /: 3 release files and 1 images of fetch-options/);
  assert.match(helm.stdout, /^versions: etcd 3\.6\.8 \(pinned 3\.6\.9\)$/m);
  assert.ok(
    helm.paths.some((p) => p.startsWith('/helm/')),
    helm.paths.join(' '),
  );
  assert.ok(helm.paths.includes('/etcd/v3.6.8/SHA256SUMS'), helm.paths.join(' '));
  assert.ok(!helm.paths.some((p) => p.startsWith('/images/traefik')), helm.paths.join(' '));
});

test('a run with --pin and --set: its own `demystify fetch --workdir` and checks follow them; status shows the pins', async (t) => {
  const dir = await tempWorkdir(t, 'dm-run-pins-');
  const work = join(dir, 'work');
  const cache = join(dir, 'cache');
  const file = join(dir, 'run-pins.md');
  await writeFile(
    file,
    lessonText(
      [
        '```bash { name=fetch }',
        `demystify fetch --workdir \${lesson.workdir} --cache ${cache} --mirror ${server.url}`,
        '```',
        '',
        "```bash { name=etcd-version check expect='output=/fake test binary ${versions.etcd} /' }",
        'etcd --version',
        '```',
        '',
        '```bash { name=helm-there check }',
        'test -x ${lesson.bin}/helm',
        '```',
      ].join('\n'),
    ),
  );
  const run = await requested([
    'run',
    file,
    '--headless',
    '--workdir',
    work,
    '--pin',
    'etcd=3.6.8',
    '--set',
    'ingress=helm',
  ]);
  assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /^versions: etcd 3\.6\.8 \(pinned 3\.6\.9\)$/m);
  assert.match(run.stdout, /^one\s+etcd-version\s+\S+\s+ok$/m);
  assert.match(run.stdout, /^one\s+helm-there\s+\S+\s+ok$/m);
  assert.ok(run.paths.includes('/etcd/v3.6.8/SHA256SUMS'), run.paths.join(' '));
  assert.ok(
    run.paths.some((p) => p.startsWith('/helm/')),
    run.paths.join(' '),
  );
  const state = JSON.parse(await readFile(join(work, 'state.json'), 'utf8')) as { pins: unknown };
  assert.deepEqual(state.pins, { etcd: { version: '3.6.8', lesson: '3.6.9' } });

  const status = await demystify(['status', '--workdir', work]);
  assert.equal(status.exitCode, 0, status.stderr);
  assert.match(status.stdout, /^versions: etcd 3\.6\.8 \(pinned 3\.6\.9\)$/m);
  const json = await demystify(['status', '--workdir', work, '--json']);
  assert.deepEqual((JSON.parse(json.stdout) as { pins: unknown }).pins, state.pins);

  const events = await demystify(['replay', 'one', '--workdir', work, '--json']);
  assert.equal(events.exitCode, 0, events.stderr);
  const first = JSON.parse(events.stdout.split('\n')[0] ?? '{}') as { event: string; pins: unknown };
  assert.deepEqual([first.event, first.pins], ['versions', state.pins]);

  assert.equal((await demystify(['cleanup', '--workdir', work, '--purge'])).exitCode, 0);
  assert.equal(existsSync(join(work, 'state.json')), false);
  await assertNothingLeft(work);
});
