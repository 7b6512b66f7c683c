import { resolve } from 'node:path';
import { hasLearnerProgress, readLearnerProgress } from '../../adapters/learner/learner-store.js';
import { readLesson, loadLesson, localeLang } from '../../adapters/lessons/lesson-files.js';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import { progressLines } from '../../engine/learner/progress.js';
import { buildPlan } from '../../engine/plan.js';
import { UsageError } from '../../errors.js';
import { lessonWorkdirRoot, setupFlags } from '../common.js';
import { lockForCommand } from './workdir-lock.js';
import type { CliIo } from '../context.js';
import type { SetupCommandOptions } from '../commands/setup-options.js';
import { prepareIsolation } from './isolation.js';

/** Options of `demystify learn`. */
export interface LearnCommandOptions extends SetupCommandOptions {
  lang?: string;
  keys?: string;
}

/**
 * Open the presenter in learner mode: the learner types each step, demystify checks it. Commands the
 * engine types for the learner (a skipped step's solution, a replay's fast-forward) are typed instantly.
 */
export async function runLearn(
  ref: string | undefined,
  opts: LearnCommandOptions,
  io: CliIo,
): Promise<number> {
  if (!io.isTTY || !process.stdin.isTTY) {
    throw new UsageError('learner mode needs a terminal', {
      hint: 'run the lesson without it: demystify run --headless',
    });
  }
  const lang = opts.lang ?? localeLang();
  const lesson = await loadLesson(ref, { lang });
  const workdir = lessonWorkdirRoot(lesson.id, opts.workdir);
  const { options, pins } = setupFlags(lesson, opts);
  // One command at a time in a work directory, as the presenter: a `run` or a `cleanup` in another
  // terminal must not pull the learner's machine away under them (docs/reliability.md).
  const lock = await lockForCommand(workdir, 'learn', {}, io);
  try {
    await prepareIsolation(lesson, workdir, opts, io);
    const { presentLesson } = await import('../../ui/presenter/open-presenter.js');
    const { learnerMode } = await import('../../ui/learner/learner-mode.js');
    const result = await presentLesson(lesson, {
      workdir,
      options,
      pins,
      typing: 'instant',
      ...(opts.binDir ? { binDir: resolve(opts.binDir) } : {}),
      ...(opts.keys ? { keysFile: resolve(opts.keys) } : {}),
      streams: { input: process.stdin, output: process.stdout },
      mode: learnerMode,
    });
    io.stdout(result.message);
    return 0;
  } finally {
    await lock.release();
  }
}

/**
 * The learner's progress for `demystify status`: one line per chapter (done, or steps so far; steps
 * skipped; time spent), empty when no learner ever opened this work directory.
 */
export async function learnerStatusLines(root: string, runtime: WorkdirRuntime): Promise<string[]> {
  if (!(await hasLearnerProgress(root))) return [];
  const state = runtime.current();
  if (!state.lessonFile) return [];
  const { lesson } = await readLesson(state.lessonFile);
  const plan = buildPlan(lesson, { workdir: root, options: state.options ?? {} });
  const progress = await readLearnerProgress(root, lesson.id);
  return ['LEARNER', ...progressLines(progress, plan).map((l) => `  ${l}`)];
}
