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
  /** `verify=` probes (templates resolved): what tells learner mode the step is done. */
  verify?: Probe[];
  /** `failcheck=` probes (templates resolved): one passing means the machine is beyond repair. */
  failcheck?: Probe[];
  /**
   * The step's hints in lesson order, each with its `when` probe resolved (the text stays in the lesson:
   * it is the language's; both languages give the same hints).
   */
  hints?: { when?: Probe }[];
}

/** A step a run leaves out because the lesson marks it `excludeFromRunAll`: it is typed by hand. */
export interface ExcludedStep {
  chapterId: string;
  name: string;
  /** The command, templates resolved, `sudo ` added when not root, as a person would type it. */
  command: string;
  sudo: boolean;
  /** The index of the planned step it comes after in the lesson (-1: before every planned step). */
  after: number;
}

/**
 * Where the plan's `${node.ip}` comes from: `loopback` (127.0.0.1, a run without isolation), `namespace`
 * (the work directory's isolated namespace, which exists), `planned` (the address an isolated run of this
 * work directory takes first, not created yet), `given` (by the caller).
 */
export type NodeSource = 'loopback' | 'namespace' | 'planned' | 'given';

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
  /** `${node.ip}` and `${node.name}` as resolved in the commands, and where the address comes from. */
  node: { ip: string; name: string; source: NodeSource };
  chapters: { id: string; title: string; steps: number[] }[];
  steps: PlannedStep[];
  /** Steps of the planned chapters and options that only a person runs (`excludeFromRunAll`). */
  excluded: ExcludedStep[];
}
