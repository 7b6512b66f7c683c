import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  neededArtifacts,
  neededImages,
  parseCondition,
  parseWhenAttribute,
  whenHolds,
} from '../../src/lesson/conditions.js';
import type { OptionCondition } from '../../src/lesson/model.js';
import { parseLesson } from '../../src/lesson/parse.js';

/** The built-in lesson's options, and artifacts and images guarded the way its owner means to guard them. */
const lessonText = (artifactsAndImages: string): string => `---
id: when-test
title: When test
versions: { etcd: "3.6.9", helm: "3.19.0" }
options:
  network: { values: [bridge, calico], default: bridge }
  ingress: { values: [manifest, helm], default: manifest }
  images: { values: [bundle, registry], default: bundle }
${artifactsAndImages}
---

## One {#one}

\`\`\`bash { name=hello }
echo hello
\`\`\`
`;

const guarded = lessonText(`artifacts:
  - name: etcd
    version: \${versions.etcd}
    url: https://example.invalid/etcd-\${version}-\${arch}.tar.gz
    sha256Url: https://example.invalid/SHA256SUMS
    extract: { "etcd": etcd }
  - name: helm
    version: \${versions.helm}
    url: https://example.invalid/helm-\${version}-\${arch}.tar.gz
    sha256Url: https://example.invalid/helm.sha256
    extract: { "linux-\${arch}/helm": helm }
    when: [network=calico, ingress=helm]
  - name: calicoctl
    version: "3.30.0"
    url: https://example.invalid/calicoctl-\${arch}
    sha256Url: https://example.invalid/calicoctl.sha256
    extract: { ".": calicoctl }
    when: network=calico
images:
  - ref: registry.k8s.io/pause:3.10.2
  - ref: docker.io/library/traefik:v3.6
    when:
      - ingress=manifest
  - ref: docker.io/library/nginx:1.28.0-alpine
    when: [images=bundle]`);

const parsed = parseLesson(guarded, 'when.md');

test('when: on artifacts and images parses a string, a flow list and a block list', () => {
  assert.deepEqual(parsed.diagnostics, []);
  const byName = Object.fromEntries(parsed.lesson.artifacts.map((a) => [a.name, a.when]));
  assert.deepEqual(byName, {
    etcd: undefined,
    helm: [
      { option: 'network', value: 'calico' },
      { option: 'ingress', value: 'helm' },
    ],
    calicoctl: [{ option: 'network', value: 'calico' }],
  });
  assert.deepEqual(
    parsed.lesson.images.map((i) => i.when),
    [undefined, [{ option: 'ingress', value: 'manifest' }], [{ option: 'images', value: 'bundle' }]],
  );
  // The version as written is kept, so that a pinned version can be put in again.
  assert.equal(parsed.lesson.artifacts[1]?.versionTemplate, '${versions.helm}');
  assert.equal(parsed.lesson.artifacts[2]?.versionTemplate, undefined);
});

const defaults = { network: 'bridge', ingress: 'manifest', images: 'bundle' };

test('which artifacts and images the options need (table)', () => {
  const table: { options: Record<string, string>; artifacts: string[]; images: string[] }[] = [
    { options: defaults, artifacts: ['etcd'], images: ['pause', 'traefik', 'nginx'] },
    { options: { ...defaults, ingress: 'helm' }, artifacts: ['etcd', 'helm'], images: ['pause', 'nginx'] },
    {
      options: { ...defaults, network: 'calico' },
      artifacts: ['etcd', 'helm', 'calicoctl'],
      images: ['pause', 'traefik', 'nginx'],
    },
    {
      options: { network: 'calico', ingress: 'helm', images: 'registry' },
      artifacts: ['etcd', 'helm', 'calicoctl'],
      images: ['pause'],
    },
    { options: { ...defaults, images: 'registry' }, artifacts: ['etcd'], images: ['pause', 'traefik'] },
  ];
  for (const row of table) {
    const what = JSON.stringify(row.options);
    assert.deepEqual(
      neededArtifacts(parsed.lesson, row.options).map((a) => a.name),
      row.artifacts,
      what,
    );
    assert.deepEqual(
      neededImages(parsed.lesson, row.options).map((i) => /\/([a-z]+):/.exec(i.ref)?.[1]),
      row.images,
      what,
    );
  }
});

test('whenHolds: none always, one when equal, a list when any holds (table)', () => {
  const c = (text: string): OptionCondition => parseCondition(text)!;
  const table: [OptionCondition | OptionCondition[] | undefined, Record<string, string>, boolean][] = [
    [undefined, {}, true],
    [[], defaults, false],
    [c('network=bridge'), defaults, true],
    [c('network=calico'), defaults, false],
    [[c('network=calico'), c('ingress=helm')], defaults, false],
    [[c('network=calico'), c('ingress=helm')], { ...defaults, ingress: 'helm' }, true],
    [[c('network=calico'), c('ingress=helm')], { ...defaults, network: 'calico' }, true],
    [[c('missing=x')], defaults, false],
  ];
  for (const [when, options, holds] of table)
    assert.equal(whenHolds(when, options), holds, `${JSON.stringify(when)} with ${JSON.stringify(options)}`);
  assert.equal(parseCondition('network = calico'), undefined);
  assert.equal(parseCondition('network'), undefined);
  assert.deepEqual(parseCondition(' ingress=helm '), { option: 'ingress', value: 'helm' });
});

test("a step's when= takes OPTION=A|B: one condition per value, any of which holds (table)", () => {
  const rows: [string, { option: string; value: string }[] | undefined][] = [
    ['ingress=helm', [{ option: 'ingress', value: 'helm' }]],
    [
      'ingress=manifest|helm',
      [
        { option: 'ingress', value: 'manifest' },
        { option: 'ingress', value: 'helm' },
      ],
    ],
    ['ingress=|helm', undefined],
    ['ingress=helm|', undefined],
    ['ingress', undefined],
    ['ingress=a b', undefined],
  ];
  for (const [text, expected] of rows) assert.deepEqual(parseWhenAttribute(text), expected, text);
  const when = parseWhenAttribute('ingress=manifest|helm');
  assert.equal(whenHolds(when, { ingress: 'helm' }), true);
  assert.equal(whenHolds(when, { ingress: 'none' }), false);
});

test('a when: naming an unknown option or value, or not OPTION=VALUE, is an error at its line', () => {
  const text = lessonText(`artifacts:
  - name: etcd
    version: \${versions.etcd}
    url: https://example.invalid/etcd
    sha256Url: https://example.invalid/SHA256SUMS
    extract: { ".": etcd }
  - name: helm
    version: \${versions.helm}
    url: https://example.invalid/helm
    sha256Url: https://example.invalid/helm.sha256
    extract: { ".": helm }
    when: [network=weave, ingres=helm]
images:
  - ref: docker.io/library/traefik:v3.6
    wen: ingress=manifest
  - ref: docker.io/library/nginx:1.28.0-alpine
    when: ingress`);
  const { diagnostics, ok } = parseLesson(text, 'bad.md');
  assert.equal(ok, false);
  const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  assert.deepEqual(
    diagnostics.map((d) => [d.line, d.column, d.code, d.message]),
    [
      [
        lineOf('network=weave'),
        5,
        'unknown-option',
        "when: option 'network' has no value 'weave' (values: bridge, calico)",
      ],
      [
        lineOf('network=weave'),
        5,
        'unknown-option',
        "when: no lesson option 'ingres' (options: network, ingress, images)",
      ],
      [lineOf('wen:'), 5, 'front-matter', "unknown image key 'wen' (known: ref, url, when)"],
      [
        lineOf('when: ingress'),
        5,
        'bad-when',
        "when: 'ingress' must be OPTION=VALUE (a list means any of them)",
      ],
    ],
  );
});
