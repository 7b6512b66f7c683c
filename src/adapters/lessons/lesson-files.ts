import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemystifyError, UsageError } from '../../errors.js';
import { LessonError } from '../../lesson/diagnostics.js';
import type { Lesson } from '../../lesson/model.js';
import { parseLesson, type ParseResult } from '../../lesson/parse.js';

/** The lessons shipped with demystify (`lessons/` at the package root). */
const BUILTIN_LESSONS_DIR = fileURLToPath(new URL('../../../../lessons', import.meta.url));
/** The lesson opened when none is named. */
export const BUILTIN_LESSON_ID = 'demystify-kubernetes';

/** The language of the user's locale, as a lesson `lang`: `fr` for French locales, else `en`. */
export function localeLang(env: NodeJS.ProcessEnv = process.env): string {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || '';
  return /^fr/i.test(locale) ? 'fr' : 'en';
}

/**
 * Find a lesson file: a path to a file, or the id of a lesson under `lessons/` (`ID.LANG.md`, then
 * `ID.md`); without a reference, the built-in lesson in the locale's language.
 */
export async function resolveLessonPath(
  ref: string | undefined,
  options: { lang?: string; dir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const dir = options.dir ?? BUILTIN_LESSONS_DIR;
  const lang = options.lang ?? localeLang(options.env);
  const id = ref ?? BUILTIN_LESSON_ID;
  if (ref !== undefined && (ref.includes('/') || ref.endsWith('.md') || existsSync(ref))) {
    const path = resolve(ref);
    if (!existsSync(path)) throw new UsageError(`no lesson file '${ref}'`);
    return path;
  }
  for (const candidate of [`${id}.${lang}.md`, `${id}.en.md`, `${id}.md`]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  const available = existsSync(dir)
    ? (await readdir(dir)).filter((f) => f.endsWith('.md')).map((f) => basename(f, '.md'))
    : [];
  throw new UsageError(`no lesson '${id}'`, {
    hint: `give a path, or one of: ${available.join(', ') || '(none)'}`,
  });
}

/** Read and parse a lesson file; returns every diagnostic (nothing thrown for an invalid lesson). */
export async function readLesson(path: string): Promise<ParseResult & { source: string }> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    throw new DemystifyError('LESSON_READ', `cannot read lesson '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { ...parseLesson(source, displayPath(path)), source };
}

/** A path as a person wants to read it in a message: relative to the current folder when below it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Load a valid lesson by path or id; a LessonError carries every diagnostic when it is not valid. */
export async function loadLesson(
  ref?: string,
  options: { lang?: string; dir?: string } = {},
): Promise<Lesson> {
  const result = await readLesson(await resolveLessonPath(ref, options));
  if (!result.ok) throw new LessonError(result.diagnostics.filter((d) => d.severity === 'error'));
  return result.lesson;
}
