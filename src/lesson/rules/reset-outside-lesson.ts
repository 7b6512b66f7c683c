import { posix } from 'node:path';
import type { LessonDiagnostic } from '../diagnostics.js';
import { splitFrontMatter } from '../front-matter.js';
import type { LintContext, LintRule } from '../lint.js';
import type { SourcePos } from '../model.js';

/**
 * The folders outside its work directory a lesson may reset: its own run folders, named after its id.
 * Everything at or below a reset path is unmounted and removed by a replay and by `cleanup --purge`.
 */
export function lessonRunFolders(lessonId: string): string[] {
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
 * Where each entry of the front matter's `reset:` list is written (js-yaml keeps no positions): searched
 * in order in the lines of the `reset:` key, flow (`[a, b]`) or block (`- a`) style. An entry not found
 * there (an escaped YAML string) is placed at the key.
 */
export function locateResetEntries(source: string, file: string, entries: readonly string[]): SourcePos[] {
  const { yaml, yamlOffset } = splitFrontMatter(source);
  const firstLine = source.slice(0, yamlOffset).split('\n').length;
  const lines = (yaml ?? '').split('\n');
  const key = lines.findIndex((line) => /^reset\s*:/.test(line));
  if (key === -1) return entries.map(() => ({ file, line: firstLine, column: 1 }));
  // The key's own line, then the lines that belong to its value (indented, list items, blank, comments).
  let end = key + 1;
  while (end < lines.length && /^(\s|-|#|$)/.test(lines[end] ?? '')) end++;
  let at = { line: key, column: (lines[key] ?? '').indexOf(':') + 1 };
  return entries.map((entry) => {
    for (let line = at.line; line < end; line++) {
      const from = line === at.line ? at.column : 0;
      const column = (lines[line] ?? '').indexOf(entry, from);
      if (column !== -1) {
        at = { line, column: column + entry.length };
        return { file, line: firstLine + line, column: column + 1 };
      }
    }
    return { file, line: firstLine + key, column: 1 };
  });
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
