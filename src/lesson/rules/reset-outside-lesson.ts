import { posix } from 'node:path';
import type { LessonDiagnostic } from '../diagnostics.js';
import { splitFrontMatter } from '../front-matter.js';
import type { LintContext, LintRule } from '../lint.js';
import type { SourcePos } from '../model.js';
import { yamlLocator } from '../yaml-positions.js';

/**
 * The folders outside its work directory a lesson may reset: its own run folders, named after its id.
 * Everything at or below a reset path is unmounted and removed by a replay and by `cleanup --purge`.
 */
function lessonRunFolders(lessonId: string): string[] {
  return [`/run/demystify/${lessonId}`, `/var/lib/demystify/${lessonId}`];
}

/** Why a reset path is refused, or undefined when it is fine. */
export function resetPathProblem(path: string, lessonId: string): string | undefined {
  const normal = posix.normalize(path);
  if (posix.isAbsolute(path)) {
    const folders = lessonRunFolders(lessonId);
    if (folders.some((folder) => normal === folder || normal.startsWith(`${folder}/`))) return undefined;
    return (
      `reset path '${path}' is outside the lesson's own folders (${folders.join(', ')}): a replay or ` +
      `cleanup --purge would unmount and remove it on the machine; keep the component's state there instead`
    );
  }
  if (normal === '..' || normal.startsWith('../')) {
    return `reset path '${path}' leaves the work directory: a replay and cleanup --purge would remove it`;
  }
  if (normal === '.' || normal === './') {
    return `reset path '${path}' is the work directory itself: replay and cleanup refuse it`;
  }
  return undefined;
}

/**
 * Where each entry of the front matter's `reset:` list is written (js-yaml keeps no positions; the `yaml`
 * package's tree has them), flow (`[a, b]`) or block (`- a`) style; an entry not found is placed at the key.
 */
export function locateResetEntries(source: string, file: string, entries: readonly string[]): SourcePos[] {
  const { yaml, yamlOffset } = splitFrontMatter(source);
  const locator = yamlLocator(yaml ?? '', file, source.slice(0, yamlOffset).split('\n').length);
  return entries.map((_, i) => locator.value(`reset.${i}`) ?? locator.key('reset'));
}

/** `reset:` paths a replay or cleanup would remove outside the lesson's own folders. */
export const resetOutsideLessonRule: LintRule = {
  id: 'reset-outside-lesson',
  description: "a reset path outside the work directory and the lesson's own run folders",
  check(context: LintContext): LessonDiagnostic[] {
    const { lesson } = context;
    const places = locateResetEntries(context.source, lesson.file, lesson.reset);
    const out: LessonDiagnostic[] = [];
    lesson.reset.forEach((path, i) => {
      const problem = resetPathProblem(path, lesson.id);
      const pos = places[i];
      if (problem && pos) out.push(context.report(pos, problem, { length: path.length }));
    });
    return out;
  },
};
