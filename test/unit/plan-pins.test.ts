import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/engine/plan.js';
import { judge } from '../../src/engine/outcome.js';
import { artifactVersions, describePins, pinLesson, resolvePins } from '../../src/engine/versions.js';
import { UsageError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { escapeRegex } from '../../src/lesson/templates.js';

/** A lesson that checks its version in commands, expectations and a log probe, the way the built-in one may. */
const text = `---
id: pins
title: Pins
versions: { kubernetes: "1.36.0", etcd: "3.6.9" }
components:
  apiserver: { ready: "log:/Serving securely.*v\${versions.kubernetes}/" }
artifacts:
  - name: kube-apiserver
    version: \${versions.kubernetes}
    url: https://dl.k8s.io/v\${version}/bin/linux/\${arch}/kube-apiserver
    sha256: { amd64: "${'a'.repeat(64)}" }
    extract: { ".": kube-apiserver }
  - name: etcd
    version: \${versions.etcd}
    url: https://example.invalid/etcd-v\${version}-linux-\${arch}.tar.gz
    sha256Url: https://example.invalid/SHA256SUMS
    extract: { "etcd": etcd }
  - name: runc
    version: "1.4.1"
    url: https://example.invalid/runc.\${arch}
    sha256Url: https://example.invalid/runc.sha256
    extract: { ".": runc }
---

## Versions {#versions}

\`\`\`bash { name=kubectl-version check expect='output=/Client Version: v\${versions.kubernetes}\\b/' }
kubectl version --client
\`\`\`

\`\`\`bash { name=unicode check expect="output=/^etcd Version: \${versions.etcd}$/mu" }
etcd --version
\`\`\`

\`\`\`bash { name=apiserver session=apiserver }
kube-apiserver --version=v\${versions.kubernetes} --etcd=\${versions.etcd}
\`\`\`
`;

const parsed = parseLesson(text, 'pins.md');

test('the pins lesson is valid: a template inside an expectation, even with the u flag, is no error', () => {
  assert.deepEqual(parsed.diagnostics, []);
});

test('plan --pin kubernetes=1.28.7: commands, expectations and probes follow, escaped in regular expressions', async () => {
  const lesson = parsed.lesson;
  const plain = buildPlan(lesson, { workdir: '/w', asRoot: true });
  const pinned = buildPlan(lesson, { workdir: '/w', asRoot: true, pins: { kubernetes: '1.28.7' } });
  assert.equal(plain.pins, undefined);
  assert.deepEqual(pinned.pins, { kubernetes: { version: '1.28.7', lesson: '1.36.0' } });

  const step = (plan: typeof plain, name: string) => plan.steps.find((s) => s.name === name)!;
  assert.equal(step(plain, 'apiserver').command, 'kube-apiserver --version=v1.36.0 --etcd=3.6.9');
  assert.equal(step(pinned, 'apiserver').command, 'kube-apiserver --version=v1.28.7 --etcd=3.6.9');
  assert.deepEqual(step(plain, 'kubectl-version').expect.output, {
    pattern: 'Client Version: v1\\.36\\.0\\b',
    flags: '',
  });
  const expect = step(pinned, 'kubectl-version').expect;
  assert.deepEqual(expect.output, { pattern: 'Client Version: v1\\.28\\.7\\b', flags: '' });
  assert.deepEqual(await judge(expect, { exitStatus: 0, output: 'Client Version: v1.28.7\n' }), { ok: true });
  // Escaped: the dots of the version match only dots, and the pinned version no longer matches.
  assert.equal((await judge(expect, { exitStatus: 0, output: 'Client Version: v1x28x7\n' })).ok, false);
  assert.equal((await judge(expect, { exitStatus: 0, output: 'Client Version: v1.36.0\n' })).ok, false);
  assert.deepEqual(step(pinned, 'unicode').expect.output, {
    pattern: '^etcd Version: 3\\.6\\.9$',
    flags: 'mu',
  });
  assert.deepEqual(step(pinned, 'apiserver').ready, [
    {
      kind: 'log',
      pattern: 'Serving securely.*v1\\.28\\.7',
      flags: '',
      raw: 'log:/Serving securely.*v1\\.28\\.7/',
    },
  ]);
});

test('an unknown version name is a usage error listing the known ones; an unchanged pin is no pin', () => {
  assert.throws(
    () => buildPlan(parsed.lesson, { workdir: '/w', pins: { kubelet: '1.28.7' } }),
    (error: unknown) =>
      error instanceof UsageError &&
      /--pin names no version of pins: kubelet/.test(error.message) &&
      error.hint === 'versions: kubernetes (1.36.0), etcd (3.6.9)',
  );
  assert.deepEqual(resolvePins(parsed.lesson, { kubernetes: '1.36.0', etcd: '3.6.8' }), {
    etcd: { version: '3.6.8', lesson: '3.6.9' },
  });
  assert.equal(
    describePins(resolvePins(parsed.lesson, { kubernetes: '1.28.7', etcd: '3.6.8' })),
    'kubernetes 1.28.7 (pinned 1.36.0), etcd 3.6.8 (pinned 3.6.9)',
  );
});

test('pinned versions reach the artifacts written ${versions.NAME}, whose digests for the old version go', () => {
  const lesson = parsed.lesson;
  const pins = resolvePins(lesson, { kubernetes: '1.28.7' });
  assert.deepEqual(artifactVersions(lesson.artifacts, { ...lesson.versions, kubernetes: '1.28.7' }), {
    'kube-apiserver': '1.28.7',
  });
  const pinned = pinLesson(lesson, pins, { runc: '1.3.0' });
  assert.equal(pinned.versions.kubernetes, '1.28.7');
  assert.deepEqual(
    pinned.artifacts.map((a) => [a.name, a.version, a.sha256 !== undefined]),
    [
      ['kube-apiserver', '1.28.7', false],
      ['etcd', '3.6.9', false],
      ['runc', '1.3.0', false],
    ],
  );
  assert.equal(lesson.artifacts[0]?.sha256?.amd64, 'a'.repeat(64), 'the lesson itself is left as it was');
  assert.equal(pinLesson(lesson, {}), lesson);
});

test('escapeRegex: every metacharacter matches itself', () => {
  const value = '1.28.7+k3s(1)[a]{2}^$|*?\\/';
  assert.ok(new RegExp(`^${escapeRegex(value)}$`).test(value));
  assert.ok(new RegExp(`^${escapeRegex(value)}$`, 'u').test(value));
  assert.equal(escapeRegex('1.28.7'), '1\\.28\\.7');
});

test('a template in an expectation that resolves to nothing is a lint error at the expect attribute', () => {
  const bad = text.replace("v${versions.kubernetes}\\b/'", "v${versions.kube}\\b/'");
  const { diagnostics } = parseLesson(bad, 'bad.md');
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.message, d.column]),
    [
      [
        'unknown-template',
        "in expect: ${versions.kube} resolves to nothing: the front matter's 'versions' has no 'kube'",
        bad
          .split('\n')
          .find((l) => l.includes('name=kubectl-version'))!
          .indexOf('expect=') + 1,
      ],
    ],
  );
});

test('demystify plan --pin prints the versions line; a bad --pin is a usage error (exit 2)', async () => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'dm-pins-'));
  try {
    const file = join(dir, 'pins.md');
    await writeFile(file, text);
    let out = '';
    let err = '';
    const io = {
      stdout: (t: string) => void (out += t),
      stderr: (t: string) => void (err += t),
      isTTY: false,
    };
    assert.equal(await main(['plan', file, '--workdir', '/W', '--pin', 'kubernetes=1.28.7'], io), 0, err);
    assert.match(out, /^versions: kubernetes 1\.28\.7 \(pinned 1\.36\.0\)$/m);
    assert.match(out, /expect: output=\/Client Version: v1\\\.28\\\.7\\b\//);
    assert.match(out, /\$ kube-apiserver --version=v1\.28\.7 /);
    out = '';
    assert.equal(await main(['plan', file, '--json', '--pin', 'kubernetes=1.28.7'], io), 0, err);
    assert.deepEqual((JSON.parse(out) as { pins: unknown }).pins, {
      kubernetes: { version: '1.28.7', lesson: '1.36.0' },
    });
    err = '';
    assert.equal(await main(['plan', file, '--pin', 'kubelet=1.28.7'], io), 2);
    assert.match(err, /--pin names no version of pins: kubelet/);
    assert.match(err, /versions: kubernetes \(1\.36\.0\), etcd \(3\.6\.9\)/);
    err = '';
    assert.equal(await main(['plan', file, '--pin', 'kubernetes'], io), 2);
    assert.match(err, /--pin 'kubernetes' must be NAME=VERSION/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
