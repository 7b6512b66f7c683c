import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Lesson } from '../lesson/model.js';
import { setOwn } from '../lesson/own.js';
import { resolveOptions } from '../engine/plan.js';
import { resolvePins } from '../engine/versions.js';
import { BUILTIN_LESSON_ID, loadLesson } from '../adapters/lessons/lesson-files.js';
import { defaultWorkdirRoot, workdirLayout, type Workdir } from '../adapters/workdir/workdir.js';

/** Turn `--set name=value` flags into a map; a malformed one is a usage error. */
export function parseSetFlags(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values) {
    const m = /^([A-Za-z0-9_-]+)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`--set '${item}' must be NAME=VALUE`);
    // An own property even for `__proto__`: the plan then says the lesson has no such option.
    setOwn(out, m[1] ?? '', m[2] ?? '');
  }
  return out;
}

/** Turn `--pin name=version` flags into a map; a malformed one is a usage error. */
export function parsePins(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values) {
    const match = /^([A-Za-z0-9_.-]+)=([A-Za-z0-9_.+-]+)$/.exec(item);
    if (!match)
      throw new UsageError(`--pin '${item}' must be NAME=VERSION`, { hint: 'e.g. --pin kubernetes=1.35.2' });
    setOwn(out, match[1]!, match[2]!);
  }
  return out;
}

/**
 * The work directory a command acts on: `--workdir`, else the documented default for the lesson's id
 * (`$DEMYSTIFY_HOME/<lesson-id>`, see workdir.ts). The one place that decides it: a command that has
 * loaded its lesson passes the lesson's id, so that nothing parses the lesson a second time.
 */
export function lessonWorkdirRoot(lessonId: string, workdir?: string): string {
  return workdir ? resolve(workdir) : defaultWorkdirRoot(lessonId);
}

/** The layout of a lesson's work directory (see `lessonWorkdirRoot`). */
export function lessonWorkdir(lessonId: string, workdir?: string): Workdir {
  return workdirLayout(lessonWorkdirRoot(lessonId, workdir));
}

/**
 * The work directory of a command that needs no lesson of its own (status, logs, cleanup...): a lesson
 * given as an id needs no parsing; only a path is loaded, to learn its id. With no lesson and no
 * --workdir, the lesson session it is typed in (`$DEMYSTIFY_WORKDIR`), else the built-in lesson's.
 */
export async function workdirRootFor(
  lessonRef: string | undefined,
  workdir: string | undefined,
  lang?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (workdir) return resolve(workdir);
  // In one of a lesson's own sessions, no lesson named means that lesson: its work directory may be
  // anywhere (`--workdir W` when the presenter was opened), not the built-in lesson's default.
  const session = env.DEMYSTIFY_WORKDIR;
  if (lessonRef === undefined)
    return session && isAbsolute(session) ? session : lessonWorkdirRoot(BUILTIN_LESSON_ID);
  if (lessonRef.includes('/') || lessonRef.endsWith('.md') || existsSync(lessonRef)) {
    return lessonWorkdirRoot((await loadLesson(lessonRef, lang ? { lang } : {})).id);
  }
  return lessonWorkdirRoot(lessonRef);
}

/**
 * The `--set` and `--pin` flags of a command that sets a lesson up (run, the presenter, learner mode),
 * checked against the lesson before anything is set up: a wrong one changes nothing.
 */
export function setupFlags(
  lesson: Lesson,
  opts: { set?: string[]; pin?: string[] },
): { options: Record<string, string>; pins: Record<string, string> } {
  const options = parseSetFlags(opts.set);
  const pins = parsePins(opts.pin);
  resolveOptions(lesson, options);
  resolvePins(lesson, pins);
  return { options, pins };
}
