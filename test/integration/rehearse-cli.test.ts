import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { RehearsalReport } from '../../src/ui/report/report-model.js';
import { RUN_COLOURS } from '../../src/ui/report/chart-svg.js';
import { runChromium } from '../helpers/chromium.js';
import { countColour, decodePng, distinctColours } from '../helpers/png.js';
import { assertNothingLeft, BIN, freePort, ROOT, tempWorkdir } from './engine-helpers.js';

// `demystify rehearse` for real: three headless runs of a small lesson (shell steps, Debian's etcd, a
// plain process), each from a clean machine. The step `flaky` counts its attempts in a file outside the
// work directory (which every run cleans) and fails on the second: exactly that step must be flagged.
// The HTML report is then opened in Debian's chromium, headless: its DOM and a screenshot.

const FIXTURE = join(ROOT, 'test/fixtures/lessons/rehearsal.md');

/** The rehearsal fixture with free ports, written into `dir`. */
async function rehearsalLesson(dir: string): Promise<string> {
  const [etcd, peer, http] = [await freePort(), await freePort(), await freePort()];
  const vars = 'vars: { etcdPort: "23791", peerPort: "23801", httpPort: "23802" }';
  const text = await readFile(FIXTURE, 'utf8');
  assert.ok(text.includes(vars), 'the fixture vars line was found');
  const file = join(dir, 'rehearsal.md');
  await writeFile(
    file,
    text.replace(vars, `vars: { etcdPort: "${etcd}", peerPort: "${peer}", httpPort: "${http}" }`),
  );
  return file;
}

test('rehearse --runs 3 flags exactly the flaky step, reports the floor, and writes the report anyway', async (t) => {
  const dir = await tempWorkdir(t, 'dm-rehearse-');
  const lesson = await rehearsalLesson(dir);
  const work = join(dir, 'work');
  const out = join(dir, 'report');
  const result = await execa(
    process.execPath,
    [BIN, 'rehearse', lesson, '--runs', '3', '--workdir', work, '--out', out],
    { env: { FLAKY_COUNTER: join(dir, 'flaky-counter') }, reject: false, timeout: 240_000 },
  );
  assert.equal(result.exitCode, 1, `a run failed, so exit 1\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /2 of 3 runs passed; flaky: flaky\n/);
  assert.equal(
    await readFile(join(dir, 'flaky-counter'), 'utf8'),
    '3\n',
    'the step ran in each of the 3 runs',
  );

  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RehearsalReport;
  const { summary } = report;
  assert.deepEqual(summary.flaky, ['flaky']);
  assert.deepEqual(
    summary.runs.map((r) => [r.ok, r.failedStep]),
    [
      [true, undefined],
      [false, 'flaky'],
      [true, undefined],
    ],
  );
  const steps = new Map(summary.steps.map((s) => [s.step, s]));
  assert.deepEqual([...steps.keys()], ['site', 'flaky', 'etcd', 'put', 'web', 'fetch']);
  assert.deepEqual(
    [...steps.values()].map((s) => [s.step, s.reached, s.failed, s.flaky]),
    [
      ['site', 3, 0, false],
      ['flaky', 3, 1, true],
      ['etcd', 2, 0, false],
      ['put', 2, 0, false],
      ['web', 2, 0, false],
      ['fetch', 2, 0, false],
    ],
  );
  assert.equal(steps.get('flaky')?.firstFailure?.run, 2);
  assert.ok(steps.get('flaky')?.firstFailure?.logTail.includes('attempt 2'));
  // The floor: each component's own start-up, from its process start to its readiness, in both runs.
  const web = summary.components.find((c) => c.component === 'web');
  const etcd = summary.components.find((c) => c.component === 'etcd');
  assert.ok(web && etcd, JSON.stringify(summary.components));
  assert.deepEqual(
    // report.json: a run without a value has null.
    web.startups.map((s) => typeof s === 'number'),
    [true, false, true],
    JSON.stringify(summary.components),
  );
  assert.ok(web.medianStartupMs! >= 280, `web sleeps 0.3 s before it listens: ${web.medianStartupMs}`);
  assert.ok(web.medianStartupMs! <= web.medianStepMs! + 30, 'the floor is below the step (clock tick aside)');
  assert.ok(etcd.medianStartupMs! > 0);
  const chapters = new Map(summary.chapters.map((c) => [c.id, c]));
  assert.equal(chapters.get('web')?.overBudget, true, 'a 100 ms budget for a 0.3 s process');
  assert.equal(chapters.get('etcd')?.overBudget, false);
  assert.deepEqual((await readdir(join(out, 'runs'))).sort(), [
    'run-1.ndjson',
    'run-1.stderr.txt',
    'run-2.ndjson',
    'run-2.stderr.txt',
    'run-3.ndjson',
    'run-3.stderr.txt',
  ]);
  const md = await readFile(join(out, 'report.md'), 'utf8');
  assert.equal(md.match(/\*\*flaky\*\*/g)?.length, 1, 'one step flagged in the Markdown table');

  // The HTML page in a real browser: the DOM holds the chart, one bar per chapter per run.
  const url = pathToFileURL(join(out, 'report.html')).href;
  const dom = await runChromium(['--dump-dom', url]);
  assert.equal(dom.code, 0, dom.stderr.slice(-2000));
  assert.match(dom.stdout, /<svg[^>]*class="chapter-chart"/);
  const bars = [...dom.stdout.matchAll(/<rect class="bar[^"]*" data-chapter="([^"]+)" data-run="(\d+)"/g)];
  assert.deepEqual(bars.map((b) => `${b[1]}:${b[2]}`).sort(), [
    'etcd:1',
    'etcd:2',
    'etcd:3',
    'warm-up:1',
    'warm-up:2',
    'warm-up:3',
    'web:1',
    'web:2',
    'web:3',
  ]);
  assert.equal([...dom.stdout.matchAll(/class="budget"/g)].length, 3);
  // And a screenshot that is not blank: the runs' colours are on it.
  const shot = join(dir, 'report.png');
  const screenshot = await runChromium([`--screenshot=${shot}`, '--window-size=1200,900', url]);
  assert.equal(screenshot.code, 0, screenshot.stderr.slice(-2000));
  assert.ok(existsSync(shot));
  const png = decodePng(await readFile(shot));
  assert.deepEqual([png.width, png.height], [1200, 900]);
  assert.ok(distinctColours(png) > 20, 'not a blank page');
  assert.ok(countColour(png, RUN_COLOURS[0]!) > 50, 'the bars of run 1 are drawn');

  // The last run's machine was left running; its clean-up leaves nothing behind.
  await execa(process.execPath, [BIN, 'cleanup', '--workdir', work, '--purge']);
  await assertNothingLeft(work);
});

test('run --report writes the same report for one run', async (t) => {
  const dir = await tempWorkdir(t, 'dm-run-report-');
  const lesson = await rehearsalLesson(dir);
  const work = join(dir, 'work');
  const out = join(dir, 'one-run');
  const result = await execa(process.execPath, [BIN, 'run', lesson, '--workdir', work, '--report', out], {
    env: { FLAKY_COUNTER: join(dir, 'flaky-counter') },
    reject: false,
    timeout: 120_000,
  });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stderr, /report: .*report\.md, .*report\.html/);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RehearsalReport;
  assert.equal(report.source, 'run');
  assert.deepEqual(
    report.summary.runs.map((r) => r.ok),
    [true],
  );
  assert.deepEqual(report.summary.flaky, []);
  assert.equal(report.summary.steps.length, 6);
  assert.ok(report.summary.steps.every((s) => s.reached === 1 && s.failed === 0 && s.medianMs !== undefined));
  assert.deepEqual(report.summary.components.map((c) => c.component).sort(), ['etcd', 'web']);
  assert.ok(report.summary.components.every((c) => c.medianStartupMs !== undefined));
  assert.ok(existsSync(join(out, 'report.html')) && existsSync(join(out, 'report.md')));
  await execa(process.execPath, [BIN, 'cleanup', '--workdir', work, '--purge']);
  await assertNothingLeft(work);
});
