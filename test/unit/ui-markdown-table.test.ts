import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitColumns, renderTable } from '../../src/ui/text/markdown-table.js';

const table: { natural: number[]; width: number; want: number[] }[] = [
  { natural: [1, 1], width: 80, want: [3, 3] },
  { natural: [10, 20], width: 80, want: [12, 22] },
  // 3 borders + 12 + 62 = 77 > 40: the widest shrinks first, down to the budget of 37.
  { natural: [10, 60], width: 40, want: [12, 25] },
  { natural: [30, 30], width: 40, want: [18, 19] },
  // Never below the minimum, even when that overflows.
  { natural: [30, 30, 30], width: 10, want: [6, 6, 6] },
];
for (const row of table) {
  test(`fitColumns ${row.natural.join(',')} in ${row.width}`, () => {
    assert.deepEqual(fitColumns(row.natural, row.width), row.want);
  });
}

test('a wide table wraps its cells inside the width instead of running off', () => {
  const long = 'the database of the cluster, and its command-line client';
  const lines = renderTable(['program', 'why'], [['etcd, etcdctl', long]], 40).split('\n');
  for (const line of lines) assert.ok(line.length <= 40, `${line.length}: ${line}`);
  assert.match(lines.join('\n'), /command-line/);
});
