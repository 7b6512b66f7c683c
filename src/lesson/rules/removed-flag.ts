import type { LessonDiagnostic } from '../diagnostics.js';
import type { LintRule } from '../lint.js';
import { REMOVED_FLAGS, type RemovedFlag } from './removed-flags-data.js';
import { argumentsOf, flagsOf, programName } from './shell-command.js';
import { scanStep } from './shell-scan.js';

/** `1.36.0`, `v1.36` -> [1, 36]; undefined when it is not a version. */
export function minorVersion(text: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether version `a` is `b` or later (major.minor). */
function atLeast(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
}

/** The table entry a flag of a program's command matches, if any. */
export function findRemoved(
  program: string,
  flag: string,
  value: string | undefined,
  subcommand: string | undefined,
  table: readonly RemovedFlag[] = REMOVED_FLAGS,
): RemovedFlag | undefined {
  return table.find(
    (entry) =>
      entry.programs.includes(program) &&
      (entry.prefix ? flag.startsWith(entry.flag) : flag === entry.flag) &&
      (entry.value === undefined || entry.value === value) &&
      (entry.subcommand === undefined || entry.subcommand === subcommand),
  );
}

/**
 * removed-flag: a Kubernetes program given a flag that the lesson's pinned Kubernetes version no longer has
 * (it would stop at "unknown flag"). Checked against `versions.kubernetes`; without it there is nothing to
 * check against.
 */
export const removedFlagRule: LintRule = {
  id: 'removed-flag',
  description: 'a flag removed in the pinned Kubernetes version (versions.kubernetes)',
  check(context) {
    const pinnedText = context.lesson.versions.kubernetes;
    const pinned = pinnedText === undefined ? undefined : minorVersion(context.resolve(pinnedText));
    if (!pinned || !pinnedText) return [];
    const out: LessonDiagnostic[] = [];
    for (const { step } of context.steps) {
      for (const command of scanStep(step).commands) {
        const program = programName(command);
        if (!program) continue;
        const subcommand = argumentsOf(command)[0]?.text;
        for (const use of flagsOf(command)) {
          const value = use.value === undefined ? undefined : context.resolve(use.value);
          const entry = findRemoved(program, use.name, value, subcommand);
          const removedIn = entry ? minorVersion(entry.removedIn) : undefined;
          if (!entry || !removedIn || !atLeast(pinned, removedIn)) continue;
          const what = entry.value === undefined ? use.name : `${use.name}=${entry.value}`;
          const where = entry.subcommand === undefined ? program : `${program} ${entry.subcommand}`;
          out.push(
            context.report(
              { file: step.pos.file, line: use.word.line, column: use.word.column },
              `'${where} ${what}' was removed in Kubernetes ${entry.removedIn} and this lesson pins ${pinnedText}: ${entry.instead}`,
              { length: use.name.length },
            ),
          );
        }
      }
    }
    return out;
  },
};
