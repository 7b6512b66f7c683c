import { UsageError } from '../errors.js';
import { setOwn } from '../lesson/own.js';
import { defaultWorkdirRoot, workdirLayout, type Workdir } from '../adapters/workdir/workdir.js';

/** Collect repeated `--set name=value` flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

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

/** The work directory of a lesson: `--workdir`, else the documented default for its id. */
export function lessonWorkdir(lessonId: string, workdir?: string): Workdir {
  return workdirLayout(workdir ?? defaultWorkdirRoot(lessonId));
}
