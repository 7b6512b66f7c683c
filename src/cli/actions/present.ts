import { resolve } from 'node:path';
import { loadLesson, localeLang } from '../../adapters/lessons/lesson-files.js';
import { UsageError } from '../../errors.js';
import { lessonWorkdirRoot, setupFlags } from '../common.js';
import type { CliIo } from '../context.js';
import type { SetupCommandOptions } from '../commands/setup-options.js';
import { prepareIsolation } from './isolation.js';
import { parseTyping } from './run.js';
import { recordingDir } from './report-common.js';
import { lockForCommand } from './workdir-lock.js';

/** Options of `demystify [LESSON]`. */
export interface PresentCommandOptions extends SetupCommandOptions {
  lang?: string;
  typing?: string;
  keys?: string;
  record?: boolean;
  recordDir?: string;
  wait?: boolean;
}

/**
 * Open the presenter on a lesson (the built-in one in the locale's language by default). It needs a
 * terminal on both ends: keys come from stdin, the screen goes to stdout.
 */
export async function runPresent(
  ref: string | undefined,
  opts: PresentCommandOptions,
  io: CliIo,
): Promise<number> {
  if (!io.isTTY || !process.stdin.isTTY) {
    throw new UsageError('the presenter needs a terminal', {
      hint: 'run the lesson without it: demystify run --headless',
    });
  }
  const typing = parseTyping(opts.typing ?? 'human');
  const lang = opts.lang ?? localeLang();
  const lesson = await loadLesson(ref, { lang });
  const workdir = lessonWorkdirRoot(lesson.id, opts.workdir);
  // Checked before anything is set up: a wrong --set or --pin changes nothing.
  const { options, pins } = setupFlags(lesson, opts);
  // One command at a time in a work directory (docs/reliability.md).
  const lock = await lockForCommand(workdir, 'present', opts, io);
  try {
    await prepareIsolation(lesson, workdir, opts, io);
    const { presentLesson } = await import('../../ui/presenter/open-presenter.js');
    const result = await presentLesson(lesson, {
      workdir,
      options,
      pins,
      typing,
      ...(opts.binDir ? { binDir: resolve(opts.binDir) } : {}),
      ...(opts.keys ? { keysFile: resolve(opts.keys) } : {}),
      ...(opts.record || opts.recordDir ? { record: recordingDir(workdir, opts.recordDir) } : {}),
      streams: { input: process.stdin, output: process.stdout },
    });
    io.stdout(result.message);
    return 0;
  } finally {
    await lock.release();
  }
}
