import type { Expectation, Probe } from '../lesson/model.js';
import type { VersionPin } from './versions.js';

/** One step as the engine will run it: templates resolved, defaults applied. */
export interface PlannedStep {
  /** Position in the whole plan, 0-based. */
  index: number;
  chapterId: string;
  chapterTitle: string;
  name: string;
  /** tmux session the step is typed into: a component's session, or the lesson's shell session. */
  session: string;
  /** The component this step starts, when it is a `session` step. */
  component?: string;
  /** The command, templates resolved, exactly as it will be typed. */
  command: string;
  /** Probes (templates resolved) that must pass before the next step. */
  ready: Probe[];
  expect: Expectation;
  check: boolean;
  timeoutMs: number;
  sudo: boolean;
  interactive: boolean;
  background: boolean;
  expectedOutput?: string;
}

/** The plan of a run: every step in order, with what the runner needs to know. */
export interface Plan {
  lessonId: string;
  lessonFile: string;
  lang: string;
  /** Work directory the plan was resolved for. */
  workdir: string;
  /** Name of the lesson's shell session. */
  shellSession: string;
  /** Option values in force (lesson defaults overridden by `--set`). */
  options: Record<string, string>;
  /** Versions that differ from the lesson's (`--pin`): what `${versions.NAME}` resolved to instead. */
  pins?: Record<string, VersionPin>;
  chapters: { id: string; title: string; steps: number[] }[];
  steps: PlannedStep[];
}
