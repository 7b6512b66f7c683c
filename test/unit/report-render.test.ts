import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepOutcome } from '../../src/engine/outcome.js';
import { aggregateRehearsal } from '../../src/engine/rehearsal/aggregate.js';
import type { RunRecord } from '../../src/engine/rehearsal/run-record.js';
import { chapterChart, escapeXml, niceMax } from '../../src/ui/report/chart-svg.js';
import { htmlReport } from '../../src/ui/report/html-report.js';
import { markdownReport } from '../../src/ui/report/markdown-report.js';
import { formatDuration, type RehearsalReport } from '../../src/ui/report/report-model.js';

const ok = (durationMs: number): StepOutcome => ({ kind: 'ok', durationMs });
const failed: StepOutcome = {
  kind: 'failed',
  durationMs: 30,
  expectation: 'exit=0',
  reason: 'exited with status 1',
  logTail: ['$ make <it> & "fail"', '```', 'attempt 2'],
};

function report(runs: RunRecord[]): RehearsalReport {
  const summary = aggregateRehearsal({
    chapters: [
      { id: 'warm-up', title: 'Warm <up> & go', budgetMs: 5000 },
      { id: 'etcd', title: 'etcd', budgetMs: 100 },
      { id: 'end', title: 'The end' },
    ],
    runs,
  });
  return {
    lesson: { id: 'x', title: 'X & <Y>', file: 'x.md' },
    generatedAt: '2026-01-01T00:00:00.000Z',
    source: 'rehearse',
    runsAsked: 3,
    range: { from: 'warm-up', to: 'end' },
    summary,
  };
}

const step = (index: number, chapter: string, name: string, outcome: StepOutcome) => ({
  index,
  chapter,
  step: name,
  outcome,
  fast: false,
});
const RUNS: RunRecord[] = [
  {
    run: 1,
    ok: true,
    steps: [step(0, 'warm-up', 'a', ok(100)), step(1, 'etcd', 'etcd', ok(400)), step(2, 'end', 'z', ok(5))],
    components: [{ component: 'etcd', session: 'etcd', step: 'etcd', startupMs: 350 }],
  },
  { run: 2, ok: false, steps: [step(0, 'warm-up', 'a', failed)], components: [] },
  {
    run: 3,
    ok: true,
    steps: [step(0, 'warm-up', 'a', ok(120)), step(1, 'etcd', 'etcd', ok(380)), step(2, 'end', 'z', ok(6))],
    components: [{ component: 'etcd', session: 'etcd', step: 'etcd', startupMs: 330 }],
  },
];

test('the chart has one bar per chapter per run, a budget line per budgeted chapter, no script', () => {
  const r = report(RUNS);
  const svg = chapterChart(r.summary.chapters, [1, 2, 3]);
  const bars = [...svg.matchAll(/<rect class="bar[^"]*" data-chapter="([^"]+)" data-run="(\d+)"/g)];
  assert.equal(bars.length, 9);
  assert.deepEqual(new Set(bars.map((b) => `${b[1]}/${b[2]}`)).size, 9);
  assert.equal([...svg.matchAll(/class="budget"/g)].length, 2);
  assert.equal([...svg.matchAll(/class="bar failed"/g)].length, 1, 'run 2 failed in warm-up');
  assert.equal([...svg.matchAll(/class="bar not-reached"/g)].length, 2, 'run 2 never reached etcd and end');
  assert.ok(!svg.includes('<script'));
  assert.ok(svg.includes('Warm &#60;up&#62; &#38; go'));
});

test('the HTML page is self-contained and names the flaky step', () => {
  const html = htmlReport(report(RUNS));
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(!/<script|<link|src=|href="http/i.test(html), 'nothing external, no script');
  assert.ok(html.includes('class="flaky-step"'));
  assert.ok(html.includes('X &#38; &#60;Y&#62;'));
  assert.ok(html.includes('$ make &#60;it&#62; &#38; &#34;fail&#34;'), 'the log tail is escaped');
  assert.match(html, /over budget/);
});

test('the Markdown report: verdict, flaky flag, fenced log tail, components', () => {
  const md = markdownReport(report(RUNS));
  assert.match(md, /\*\*2 of 3 runs passed; flaky: a\.\*\*/);
  assert.match(md, /\| warm-up \| `a` \| 100 ms \| 120 ms \(run 3\) \| 1 of 3 \| \*\*flaky\*\* \|/);
  assert.match(md, /````text\n\$ make <it> & "fail"\n```\nattempt 2\n````/, 'a fence longer than any inside');
  assert.match(md, /\| etcd \| `etcd` \| 340 ms \| 390 ms \| 50 ms \|/);
  assert.match(md, /\| etcd \(`etcd`\) \| 100 ms \| 390 ms \| \*\*over budget\*\* \|/);
});

test('formatDuration and niceMax', () => {
  const cases: [number | undefined, string][] = [
    [undefined, '–'],
    [0, '0 ms'],
    [420.4, '420 ms'],
    [1234, '1.23 s'],
    [12_345, '12.3 s'],
    [185_000, '3 min 05 s'],
    [3_725_000, '1 h 02 min'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text);
  assert.deepEqual([0, 0.3, 1, 7, 12, 240, 30_000].map(niceMax), [1, 0.5, 1, 10, 20, 250, 50_000]);
  assert.equal(escapeXml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
});
