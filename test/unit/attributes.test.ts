import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInfoString } from '../../src/lesson/attributes.js';

const table: { info: string; lang: string; step: boolean; entries?: [string, string][]; problem?: RegExp }[] =
  [
    { info: 'bash', lang: 'bash', step: false, entries: [] },
    { info: '', lang: '', step: false, entries: [] },
    { info: 'bash { name=etcd }', lang: 'bash', step: true, entries: [['name', 'etcd']] },
    // A regular expression keeps its backslashes; only \" and \\ are escapes.
    {
      info: 'bash { expect="output=/v1\\.36\\d/" }',
      lang: 'bash',
      step: true,
      entries: [['expect', 'output=/v1\\.36\\d/']],
    },
    { info: 'bash { name="a\\\\b" }', lang: 'bash', step: true, entries: [['name', 'a\\b']] },
    {
      info: 'sh {name=a session=etcd}',
      lang: 'sh',
      step: true,
      entries: [
        ['name', 'a'],
        ['session', 'etcd'],
      ],
    },
    {
      info: 'bash { ready="tcp:127.0.0.1:2379" check }',
      lang: 'bash',
      step: true,
      entries: [
        ['ready', 'tcp:127.0.0.1:2379'],
        ['check', 'true'],
      ],
    },
    {
      info: "bash { expect='output=/a b/' }",
      lang: 'bash',
      step: true,
      entries: [['expect', 'output=/a b/']],
    },
    {
      info: 'bash { name="with \\"quote\\"" }',
      lang: 'bash',
      step: true,
      entries: [['name', 'with "quote"']],
    },
    {
      info: 'bash { ready=tcp:a:1 ready=unix:/s }',
      lang: 'bash',
      step: true,
      entries: [
        ['ready', 'tcp:a:1'],
        ['ready', 'unix:/s'],
      ],
    },
    {
      info: 'sh {"name":"x","background":"true"}',
      lang: 'sh',
      step: true,
      entries: [
        ['name', 'x'],
        ['background', 'true'],
      ],
    },
    {
      info: 'sh {"ready":["tcp:a:1","unix:/s"]}',
      lang: 'sh',
      step: true,
      entries: [
        ['ready', 'tcp:a:1'],
        ['ready', 'unix:/s'],
      ],
    },
    { info: 'sh {"name":true}', lang: 'sh', step: true, entries: [['name', 'true']] },
    { info: 'bash { name=a', lang: 'bash', step: true, problem: /no closing/ },
    { info: 'bash { name="a }', lang: 'bash', step: true, problem: /unterminated/ },
    { info: 'bash { =a }', lang: 'bash', step: true, problem: /expected a name/ },
    { info: 'sh {"name": }', lang: 'sh', step: true, problem: /not valid JSON/ },
    { info: 'bash { name=a } trailing', lang: 'bash', step: true, problem: /after the attribute block/ },
  ];

for (const row of table) {
  test(`info string ${JSON.stringify(row.info)}`, () => {
    const parsed = parseInfoString(row.info);
    assert.equal(parsed.lang, row.lang);
    assert.equal(parsed.hasAttributes, row.step);
    if (row.entries) {
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(
        parsed.entries.map((e) => [e.key, e.value]),
        row.entries,
      );
    }
    if (row.problem) assert.match(parsed.problems.map((p) => p.message).join('\n'), row.problem);
  });
}

test('attribute offsets point at the key', () => {
  const info = 'bash { name=a colour=red }';
  const entry = parseInfoString(info).entries.find((e) => e.key === 'colour');
  assert.equal(entry?.offset, info.indexOf('colour'));
});
