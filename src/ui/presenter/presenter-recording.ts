import { join } from 'node:path';
import type { WorkdirRuntime } from '../../adapters/runtime/workdir-runtime.js';
import { startRecording, tmuxWindowSize } from '../../adapters/recording/recorder.js';
import type { Engine } from '../../engine/engine.js';
import type { Lesson } from '../../lesson/model.js';

/** A presenter's recording: `stop` ends it and says where it is, for the message shown on quit. */
export interface PresenterRecording {
  stop(): Promise<string>;
}

/**
 * Record the presenter's sessions (`demystify LESSON --record`) from now until it quits: one asciicast
 * per session, with a marker at each chapter the presenter goes to and each step it runs (see
 * docs/recording.md). The components keep running after a quit; their recording stops with it.
 */
export async function recordSessions(
  lesson: Lesson,
  engine: Engine,
  runtime: WorkdirRuntime,
  dir: string,
): Promise<PresenterRecording> {
  const recording = await startRecording({
    dir,
    logsDir: runtime.files.layout.logs,
    engine,
    lesson: { id: lesson.id, title: lesson.title },
    windowSize: tmuxWindowSize(runtime.tmux),
  });
  return {
    async stop() {
      const index = await recording.stop();
      return `recorded ${index.sessions.length} session(s): ${join(dir, 'index.md')}\n`;
    },
  };
}
