import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../src/lesson/diagnostics.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { yamlLocator } from '../../src/lesson/yaml-positions.js';

/** The front matter diagnostic about `versions.kubernetes` of a lesson, formatted with its caret. */
function versionsDiagnostic(frontMatter: string): string {
  const { diagnostics } = parseLesson(`---\n${frontMatter}---\n\n## One\n\ntext\n`, 'l.md');
  const found = diagnostics.find((d) => d.message.includes("'versions.kubernetes'"));
  assert.ok(found, diagnostics.map((d) => d.message).join('\n'));
  return formatDiagnostic(found);
}

test('versions.kubernetes is reported at its own key, not at a kubernetes: key under vars', () => {
  const after = versionsDiagnostic(
    'id: x\ntitle: x\nversions: { kubernetes: [bad] }\nvars:\n  kubernetes: k8s\n',
  );
  assert.equal(
    after,
    [
      "l.md:4:13: 'versions.kubernetes' must be a string or a number [front-matter]",
      '   4 | versions: { kubernetes: [bad] }',
      '     |             ^',
    ].join('\n'),
  );
  const before = versionsDiagnostic(
    'id: x\ntitle: x\nvars:\n  kubernetes: k8s\nversions:\n  etcd: 3.6.9\n  kubernetes: [bad]\n',
  );
  assert.equal(
    before,
    [
      "l.md:8:3: 'versions.kubernetes' must be a string or a number [front-matter]",
      '   8 |   kubernetes: [bad]',
      '     |   ^',
    ].join('\n'),
  );
});

test('the locator: keys, block list items at their -, values, and fallbacks', () => {
  const yaml = 'a:\n  b: 1\nlist:\n  - name: x\n    when: y\n  - "q"\nflow: [p, q]\n';
  const at = yamlLocator(yaml, 'f.md', 2);
  const pos = (p: { line: number; column: number } | undefined): string =>
    p ? `${p.line}:${p.column}` : '-';
  assert.equal(pos(at.key('a.b')), '3:3');
  assert.equal(pos(at.key('list.0.when')), '6:5');
  assert.equal(pos(at.key('list.1')), '7:3');
  assert.equal(pos(at.value('list.1')), '7:6');
  assert.equal(pos(at.value('flow.1')), '8:11');
  assert.equal(pos(at.key('a.missing')), '2:1');
  assert.equal(pos(at.key('nothing')), '2:1');
  assert.equal(pos(at.key('')), '2:1');
  assert.equal(pos(at.value('a.missing')), '-');
});
