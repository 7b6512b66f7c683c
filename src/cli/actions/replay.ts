import { existsSync } from 'node:fs';
import { loadLesson } from '../../adapters/lessons/lesson-files.js';
import { openLessonEngine } from '../../adapters/runtime/lesson-engine.js';
import { readState } from '../../adapters/workdir/state-store.js';
import { workdirLayout } from '../../adapters/workdir/workdir.js';
import { findChapterIndex } from '../../engine/plan.js';
import { DemystifyError } from '../../errors.js';
import type { CliIo } from '../context.js';
import { lessonWorkdirRoot, parsePins, workdirRootFor } from '../common.js';
import { driveEngine, reportPins } from './engine-common.js';
import { parseTyping } from './run.js';
import { lockForCommand } from './workdir-lock.js';

/** Options of `demystify replay`. */
export interface ReplayCommandOptions {
  lesson?: string;
  workdir?: string;
  pin?: string[];
  run?: boolean;
  json?: boolean;
  typing?: string;
  wait?: boolean;
}

/**
 * Bring the machine back to the start of a chapter and run it again: reset (stop every component,
 * remove the lesson's reset paths, fresh shell), fast-forward the earlier chapters, run the chapter.
 */
export async function runReplay(chapterRef: string, opts: ReplayCommandOptions, io: CliIo): Promise<number> {
  const typing = parseTyping(opts.typing);
  // A lesson named is read once, here: its id gives the work directory, and it is the lesson replayed.
  const named = opts.lesson === undefined ? undefined : await loadLesson(opts.lesson);
  const root = named
    ? lessonWorkdirRoot(named.id, opts.workdir)
    : await workdirRootFor(undefined, opts.workdir);
  if (!existsSync(root) && opts.lesson === undefined) throw nothingRan(root);
  // One command at a time in a work directory (docs/reliability.md); the state is read once it is ours.
  const lock = await lockForCommand(root, 'replay', opts, io);
  try {
    const state = await readState(workdirLayout(root).stateFile);
    if (!state && opts.lesson === undefined) throw nothingRan(root);
    const lesson = named ?? (await loadLesson(state!.lessonFile));
    const chapter = findChapterIndex(lesson, chapterRef);
    // The versions of the run that set the machine up, unless --pin says otherwise.
    const pins: Record<string, string> = {};
    for (const [name, pin] of Object.entries(state?.pins ?? {})) pins[name] = pin.version;
    Object.assign(pins, parsePins(opts.pin));
    const { engine, plan, runtime } = await openLessonEngine(lesson, {
      workdir: root,
      ...(state?.binDir ? { binDir: state.binDir } : {}),
      ...(state ? { options: state.options } : {}),
      pins,
      typing,
    });
    reportPins(plan, io, { json: opts.json === true });
    const event = { type: 'replay-chapter', chapter, run: opts.run !== false, headless: true } as const;
    return await driveEngine(engine, event, io, { json: opts.json === true, runtime });
  } finally {
    await lock.release();
  }
}

function nothingRan(root: string): DemystifyError {
  return new DemystifyError('NO_STATE', `nothing has run in ${root} yet`, {
    hint: 'start with demystify run, or name the lesson with --lesson',
  });
}
