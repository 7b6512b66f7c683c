import { resolve } from 'node:path';
import { loadLesson } from '../../adapters/lessons/lesson-files.js';
import { openLessonEngine } from '../../adapters/runtime/lesson-engine.js';
import { findChapterIndex } from '../../engine/plan.js';
import type { Typing } from '../../engine/ports.js';
import { UsageError } from '../../errors.js';
import { lessonWorkdirRoot, setupFlags } from '../common.js';
import type { CliIo } from '../context.js';
import type { SetupCommandOptions } from '../commands/setup-options.js';
import { driveEngine, reportPins } from './engine-common.js';
import type { EngineEvent } from '../../engine/machine.js';
import { prepareIsolation } from './isolation.js';
import { openRunExtras } from './run-extras.js';
import { lockForCommand } from './workdir-lock.js';

/** Options of `demystify run`. */
export interface RunCommandOptions extends SetupCommandOptions {
  headless?: boolean;
  from?: string;
  to?: string;
  json?: boolean;
  typing?: string;
  lang?: string;
  report?: string;
  record?: boolean;
  recordDir?: string;
  wait?: boolean;
}

/** Check a `--typing` value. */
export function parseTyping(value: string | undefined): Typing {
  if (value === undefined || value === 'instant' || value === 'human') return value ?? 'instant';
  throw new UsageError(`--typing '${value}' must be instant or human`);
}

/**
 * Run a lesson headless: chapters --from..--to (earlier ones fast-forwarded first when the machine is
 * not already there), checks included. Exit code 0 when every step went as the lesson says, 1 at the
 * first step that did not.
 */
export async function runRun(ref: string | undefined, opts: RunCommandOptions, io: CliIo): Promise<number> {
  const typing = parseTyping(opts.typing);
  const lesson = await loadLesson(ref, opts.lang ? { lang: opts.lang } : {});
  const workdir = lessonWorkdirRoot(lesson.id, opts.workdir);
  const from = opts.from === undefined ? undefined : findChapterIndex(lesson, opts.from);
  const to = opts.to === undefined ? undefined : findChapterIndex(lesson, opts.to);
  if (from !== undefined && to !== undefined && to < from)
    throw new UsageError(`--to '${opts.to}' comes before --from '${opts.from}'`);
  // Checked before anything is set up: a wrong --set or --pin changes nothing.
  const { options, pins } = setupFlags(lesson, opts);
  // One command at a time in a work directory (docs/reliability.md).
  const lock = await lockForCommand(workdir, 'run', opts, io);
  try {
    await prepareIsolation(lesson, workdir, opts, io);
    const { engine, plan, runtime } = await openLessonEngine(lesson, {
      workdir,
      ...(opts.binDir ? { binDir: resolve(opts.binDir) } : {}),
      options,
      pins,
      typing,
    });
    reportPins(plan, io, { json: opts.json === true });
    const event: EngineEvent = {
      type: 'run',
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      headless: true,
    };
    const extras = await openRunExtras({ lesson, engine, runtime, workdir, from, to }, opts, io);
    const code = await driveEngine(engine, event, io, { json: opts.json === true, runtime });
    await extras.finish();
    return code;
  } finally {
    await lock.release();
  }
}
