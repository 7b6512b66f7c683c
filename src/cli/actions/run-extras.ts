import { join, resolve } from 'node:path';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import type { Engine } from '../../engine/engine.js';
import type { Lesson } from '../../lesson/model.js';
import type { CliIo } from '../context.js';
import { reportProgress, runEndedEvent } from './engine-common.js';
import { rangeOfPlan, recordingDir } from './report-common.js';

/** What `run` may do besides running: report on the run (`--report DIR`), record it (`--record`, `--record-dir DIR`). */
export interface RunExtrasOptions {
  report?: string;
  record?: boolean;
  recordDir?: string;
}

/** The run being followed. */
export interface RunContext {
  lesson: Lesson;
  engine: Engine;
  runtime: WorkdirRuntime;
  workdir: string;
  /** 0-based chapters of the run (default: all). */
  from?: number | undefined;
  to?: number | undefined;
}

/** Extras opened before the run starts; `finish` once it has ended (messages go to stderr). */
export interface RunExtras {
  finish(): Promise<void>;
}

/** Open what `--report` and `--record` need before the run starts; `finish` both once it has ended. */
export async function openRunExtras(ctx: RunContext, opts: RunExtrasOptions, io: CliIo): Promise<RunExtras> {
  const recording =
    opts.record || opts.recordDir
      ? await openRecording(ctx, recordingDir(ctx.workdir, opts.recordDir), io)
      : undefined;
  const report = opts.report ? followForReport(ctx, opts.report, io) : undefined;
  return {
    async finish() {
      await recording?.finish();
      await report?.finish();
    },
  };
}

/**
 * Follow a run for `--report DIR`: its events, as `run --json` prints them, feed the same aggregation
 * as a rehearsal of one run, and the same report (report.md, report.html, report.json) is written once
 * the run has ended, whether it passed or not.
 */
function followForReport(ctx: RunContext, report: string, io: CliIo): RunExtras {
  const dir = resolve(report);
  const lines: string[] = [];
  const stop = reportProgress(
    ctx.engine,
    { stdout: (l) => void lines.push(l), stderr: () => undefined, isTTY: false },
    {
      json: true,
    },
  );
  return {
    async finish() {
      stop();
      // Loaded only when asked for: a plain `run` does not pay for them (docs/performance.md).
      const [{ componentStartups }, { aggregateRehearsal }, { runFromNdjson }, { writeRehearsalReport }] =
        await Promise.all([
          import('../../adapters/rehearsal/component-startup.js'),
          import('../../engine/rehearsal/aggregate.js'),
          import('../../engine/rehearsal/run-events.js'),
          import('../../ui/report/write-report.js'),
        ]);
      const state = ctx.engine.getState();
      lines.push(
        JSON.stringify({ ...runEndedEvent(state), ...(state.lastRun ? {} : { error: 'nothing ran' }) }),
      );
      const record = runFromNdjson(lines.join('\n'), 1);
      // A component's record is written just after its step: wait for those of the components that got ready.
      const expect = state.plan.steps.flatMap((s, i) =>
        s.component && state.steps[i]?.status === 'ok' ? [s.component] : [],
      );
      record.components = await componentStartups(ctx.workdir, { expect });
      const from = ctx.from ?? 0;
      const to = ctx.to ?? ctx.lesson.chapters.length - 1;
      const range = rangeOfPlan(ctx.lesson, state.plan, from, to);
      const summary = aggregateRehearsal({ chapters: range.chapters, planned: range.steps, runs: [record] });
      const files = await writeRehearsalReport(dir, {
        lesson: { id: ctx.lesson.id, title: ctx.lesson.title, file: ctx.lesson.file },
        generatedAt: new Date().toISOString(),
        source: 'run',
        runsAsked: 1,
        range: { from: range.chapters[0]?.id ?? '', to: range.chapters[range.chapters.length - 1]?.id ?? '' },
        summary,
      });
      io.stderr(`report: ${files.markdown}, ${files.html}\n`);
    },
  };
}

/** Record every session of the run as asciicasts, into `dir`. */
async function openRecording(ctx: RunContext, dir: string, io: CliIo): Promise<RunExtras> {
  const { startRecording, tmuxWindowSize } = await import('../../adapters/recording/recorder.js');
  const recording = await startRecording({
    dir,
    logsDir: ctx.runtime.files.layout.logs,
    engine: ctx.engine,
    lesson: { id: ctx.lesson.id, title: ctx.lesson.title },
    windowSize: tmuxWindowSize(ctx.runtime.tmux),
  });
  return {
    async finish() {
      const index = await recording.stop();
      io.stderr(`recording: ${index.sessions.length} session(s) in ${join(dir, 'index.md')}\n`);
    },
  };
}
