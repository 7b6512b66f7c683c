import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyProgress, parseProgress, type LearnerProgress } from '../../engine/learner/progress.js';
import { writeFileSafely } from '../files/write-file-safely.js';

/** Where a work directory keeps the learner's progress: apart from state.json, so a cleanup keeps it. */
function learnerFile(workdir: string): string {
  return join(workdir, 'learner.json');
}

/** Read the learner's progress (an empty record when there is none yet, or it is unreadable). */
export async function readLearnerProgress(workdir: string, lessonId: string): Promise<LearnerProgress> {
  try {
    return parseProgress(await readFile(learnerFile(workdir), 'utf8'), lessonId);
  } catch {
    return emptyProgress(lessonId);
  }
}

/** Whether a learner ever opened this work directory. */
export async function hasLearnerProgress(workdir: string): Promise<boolean> {
  return access(learnerFile(workdir)).then(
    () => true,
    () => false,
  );
}

/** Write it atomically. */
export async function writeLearnerProgress(workdir: string, progress: LearnerProgress): Promise<void> {
  await writeFileSafely(learnerFile(workdir), `${JSON.stringify(progress, null, 2)}\n`, { mode: 0o644 });
}
