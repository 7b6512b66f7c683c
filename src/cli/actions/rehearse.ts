import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadLesson } from '../../adapters/lessons/lesson-files.js';
import { runCliChild } from '../../adapters/rehearsal/cli-child.js';
import { componentStartups } from '../../adapters/rehearsal/component-startup.js';
import { findChapterIndex } from '../../engine/plan.js';
import { aggregateRehearsal } from '../../engine/rehearsal/aggregate.js';
import { runFromNdjson } from '../../engine/rehearsal/run-events.js';
import type { RunRecord } from '../../engine/rehearsal/run-record.js';
import { UsageError } from '../../errors.js';
import { writeRehearsalReport } from '../../ui/report/write-report.js';
import type { SetupCommandOptions } from '../commands/setup-options.js';
import { lessonWorkdirRoot } from '../common.js';
import type { CliIo } from '../context.js';
import { stepLine } from './engine-common.js';
import { plannedRange, reportStamp } from './report-common.js';

/** Options of `demystify rehearse`. */
export interface RehearseCommandOptions extends SetupCommandOptions {
  runs?: string;
  from?: string;
  to?: string;
  out?: string;
  lang?: string;
  runArg?: string[];
}

/** Check `--runs`: a whole number from 1 to 1000. */
function parseRuns(value: string | undefined): number {
  const n = Number(value ?? '3');
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--runs '${value}' must be 1 to 1000`);
  return n;
}

/** The arguments of each `demystify run` of the rehearsal (and of its clean-ups). */
function runArguments(ref: string | undefined, workdir: string, opts: RehearseCommandOptions): string[] {
  return [
    'run',
    ...(ref === undefined ? [] : [ref]),
    '--headless',
    '--json',
    '--workdir',
    workdir,
    ...(opts.lang ? ['--lang', opts.lang] : []),
    ...(opts.from ? ['--from', opts.from] : []),
    ...(opts.to ? ['--to', opts.to] : []),
    ...(opts.set ?? []).flatMap((s) => ['--set', s]),
    ...(opts.pin ?? []).flatMap((p) => ['--pin', p]),
    ...(opts.binDir ? ['--bin-dir', resolve(opts.binDir)] : []),
    ...(opts.isolate === true ? ['--isolate'] : opts.isolate === false ? ['--no-isolate'] : []),
    ...(opts.address ? ['--address', opts.address] : []),
    ...(opts.outbound ? ['--outbound'] : []),
    ...(opts.runArg ?? []),
  ];
}

/**
 * Rehearse a lesson: `--runs` headless runs (`demystify run --json`, each a child process), each from
 * a clean machine (`demystify cleanup --purge` first). A run that fails does not stop the rehearsal.
 * After each run, the components' start-up is read from state.json. Then the report is written (even
 * when a run failed, or Ctrl-C stopped the rehearsal). Exit 0 when every run passed, 1 otherwise.
 * The last run's machine is left running for a look (`demystify cleanup` ends it).
 */
export async function runRehearse(
  ref: string | undefined,
  opts: RehearseCommandOptions,
  io: CliIo,
): Promise<number> {
  const runs = parseRuns(opts.runs);
  const lesson = await loadLesson(ref, opts.lang ? { lang: opts.lang } : {});
  const workdir = lessonWorkdirRoot(lesson.id, opts.workdir);
  const from = opts.from === undefined ? 0 : findChapterIndex(lesson, opts.from);
  const to = opts.to === undefined ? lesson.chapters.length - 1 : findChapterIndex(lesson, opts.to);
  if (to < from) throw new UsageError(`--to '${opts.to}' comes before --from '${opts.from}'`);
  const range = plannedRange(lesson, { workdir, set: opts.set, binDir: opts.binDir, from, to });
  const out = resolve(opts.out ?? join(workdir, 'rehearsals', reportStamp(new Date())));
  await mkdir(join(out, 'runs'), { recursive: true });

  let stopped = false;
  const onSigint = (): void => void (stopped = true);
  process.on('SIGINT', onSigint);
  const records: RunRecord[] = [];
  try {
    for (let run = 1; run <= runs && !stopped; run++) {
      io.stdout(`run ${run}/${runs}: cleaning up the machine\n`);
      const clean = await runCliChild(['cleanup', '--workdir', workdir, '--purge']);
      if (clean.code !== 0) {
        const error = `demystify cleanup --purge failed: ${lastLine(clean.stderr)}`;
        records.push({ run, ok: false, error, steps: [], components: [] });
        io.stderr(`demystify: ${error}; the rehearsal stops (a run must start from a clean machine)\n`);
        break;
      }
      const result = await runCliChild(runArguments(ref, workdir, opts), {
        onLine: (line) => progressLine(run, line, io),
      });
      await writeFile(join(out, 'runs', `run-${run}.ndjson`), result.stdout);
      await writeFile(join(out, 'runs', `run-${run}.stderr.txt`), result.stderr);
      const record = runFromNdjson(result.stdout, run);
      record.components = await componentStartups(workdir);
      if (
        !record.ok &&
        !record.error &&
        !record.steps.some((s) => s.outcome.kind !== 'ok' && s.outcome.kind !== 'skipped')
      )
        record.error = lastLine(result.stderr) || `demystify run ended with code ${result.code ?? 'none'}`;
      records.push(record);
      io.stdout(`run ${run}/${runs}: ${record.ok ? 'passed' : `failed${failedAt(record)}`}\n`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }

  const summary = aggregateRehearsal({ chapters: range.chapters, planned: range.steps, runs: records });
  const files = await writeRehearsalReport(out, {
    lesson: { id: lesson.id, title: lesson.title, file: lesson.file },
    generatedAt: new Date().toISOString(),
    source: 'rehearse',
    runsAsked: runs,
    range: { from: range.chapters[0]?.id ?? '', to: range.chapters[range.chapters.length - 1]?.id ?? '' },
    summary,
  });
  io.stdout(`${summary.passed} of ${records.length} runs passed`);
  io.stdout(summary.flaky.length > 0 ? `; flaky: ${summary.flaky.join(', ')}\n` : '\n');
  io.stdout(`report: ${files.markdown}\n        ${files.html}\n`);
  if (records.length > 0) io.stdout(`the last run's components keep running; demystify cleanup stops them\n`);
  return records.length === runs && records.every((r) => r.ok) ? 0 : 1;
}

/** One line per finished step of a run, from its NDJSON (fast-forwards included, marked). */
function progressLine(run: number, line: string, io: CliIo): void {
  let event: { event?: string; chapter?: string; step?: string; fast?: boolean; outcome?: unknown };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return;
  }
  if (event.event !== 'step-finished') return;
  const record = runFromNdjson(line, run).steps[0];
  if (!record) return;
  io.stdout(`  run ${run}  ${stepLine(record.chapter, record.step, record.outcome, record.fast)}\n`);
}

function failedAt(record: RunRecord): string {
  const step = record.steps.find((s) => s.outcome.kind === 'failed' || s.outcome.kind === 'timed-out');
  if (step) return ` at step '${step.step}' (chapter ${step.chapter})`;
  return record.error ? `: ${record.error}` : '';
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .pop()
      ?.replace(/^demystify: /, '') ?? ''
  );
}
