/** Where a node of a lesson comes from: 1-based line and column in the lesson file. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/** A readiness probe, as written in a `ready` attribute or a component's default. */
export type Probe =
  | { kind: 'tcp'; host: string; port: number; raw: string }
  | { kind: 'http'; url: string; raw: string }
  | { kind: 'unix'; path: string; raw: string }
  | { kind: 'log'; pattern: string; flags: string; raw: string }
  | { kind: 'cmd'; command: string; raw: string };

/** `OPTION=VALUE`: holds when the lesson option has that value. */
export interface OptionCondition {
  option: string;
  value: string;
}

/** What a step must do to count as a success. */
export interface Expectation {
  /** Exact exit status wanted (default 0 unless `fail`). */
  exit?: number;
  /** The step is meant to fail: any non-zero exit status is a success. */
  fail?: boolean;
  /** A regular expression its output must match. */
  output?: { pattern: string; flags: string };
}

/** A component: a long-running process with its own tmux session. */
export interface Component {
  name: string;
  /** tmux session name (defaults to the component's name). */
  session: string;
  /** Default readiness probes of a step that starts this component. */
  ready: Probe[];
  /** One-line description, shown in the status line help. */
  description?: string;
  pos: SourcePos;
}

/** One runnable step: a fenced code block with attributes. */
export interface Step {
  /** Unique within the lesson. */
  name: string;
  chapterId: string;
  /** The command text exactly as the lesson writes it (templates not yet resolved). */
  code: string;
  /** The fence's language (bash, sh, ...). */
  lang: string;
  /** Component whose session runs this step as a long-running process; absent: the lesson's shell. */
  session?: string;
  ready: Probe[];
  expect: Expectation;
  /** A verification a learner can run, not an action. */
  check: boolean;
  timeoutMs?: number;
  sudo: boolean;
  /** Waits for the presenter before it runs. */
  interactive: boolean;
  /** Runme's `background`: start and do not wait for it to end. */
  background: boolean;
  /** Runme's `excludeFromRunAll`: never run by `run`, only by hand. */
  excludeFromRunAll: boolean;
  /**
   * `when="option=value"`: the step runs only when the lesson option has that value; `option=a|b`, when it
   * has any of them (one condition per value, any of which holds).
   */
  when?: OptionCondition[];
  /** The attribute-less code block right after the step: its expected output. */
  expectedOutput?: string;
  /** Speaker notes (`<!-- notes: ... -->`) right after the step (or after its expected output). */
  notes?: string[];
  /** `verify=PROBE` (repeatable): what tells learner mode the step is done, polled while the learner works. */
  verify?: Probe[];
  /** `failcheck=PROBE` (repeatable): when one passes, the machine is beyond repair; learner mode offers a replay. */
  failcheck?: Probe[];
  /** `<!-- hint: ... -->` comments after the step, for learner mode (see docs/learner.md). */
  hints?: Hint[];
  /** Every attribute as written, for tools (Runme) and the JSON plan. */
  attributes: Record<string, string>;
  pos: SourcePos;
}

/**
 * A hint for learner mode (`<!-- hint: TEXT -->`), shown on a key or after the second failed attempt;
 * with `when`, (`<!-- hint when="cmd:...": TEXT -->`) only while that probe fails: it names one problem.
 */
export interface Hint {
  text: string;
  when?: Probe;
  pos: SourcePos;
}

/** A piece of a chapter, in reading order. */
export type ChapterBlock =
  | { kind: 'narration'; markdown: string; pos: SourcePos }
  | { kind: 'step'; step: string; pos: SourcePos }
  | { kind: 'output'; step: string; text: string; pos: SourcePos }
  /** Speaker notes; `step` names the step they follow directly (absent: the chapter's own notes). */
  | { kind: 'notes'; text: string; step?: string; pos: SourcePos };

/** A chapter: a heading at the lesson's chapter level and everything up to the next one. */
export interface Chapter {
  id: string;
  title: string;
  blocks: ChapterBlock[];
  steps: Step[];
  /** Every speaker note (`<!-- notes: ... -->`) in the chapter, in order, its steps' included. */
  notes: string[];
  /** Time budget of the chapter (heading `{#id budget=3m}`), in milliseconds: rehearsals compare with it. */
  budgetMs?: number;
  pos: SourcePos;
}

/** A downloadable artifact (binary or archive) the lesson needs, declared in its front matter. */
export interface ArtifactSpec {
  name: string;
  /** The version, `${versions.NAME}` resolved against the front matter's `versions`. */
  version: string;
  /** The version as written when it uses `${versions.NAME}` (so a pinned version can be put in again). */
  versionTemplate?: string;
  /** URL template with `${version}` and `${arch}`. */
  url: string;
  /** Where the checksum comes from: a URL template of a `.sha256`/`SHA256SUMS` file, and/or pinned digests per arch. */
  sha256Url?: string;
  sha256?: Record<string, string>;
  /** Paths inside the archive to install, mapped to the name under `bin/` (a plain file: `{ '.': name }`). */
  extract: Record<string, string>;
  /** Install directory relative to the work directory (default `bin`). */
  dest?: string;
  /** `when: [option=value, ...]`: needed only when one of these holds (absent: always needed). */
  when?: OptionCondition[];
  pos: SourcePos;
}

/** A container image the lesson needs in containerd before kubelet does (for offline bundles). */
export interface ImageSpec {
  ref: string;
  /** Where an OCI archive of it can be fetched (template with `${arch}`), if any. */
  url?: string;
  /** `when: [option=value, ...]`: needed only when one of these holds (absent: always needed). */
  when?: OptionCondition[];
  pos: SourcePos;
}

/** A lesson option, selectable in the front matter or on the command line (`--set name=value`). */
export interface LessonOption {
  name: string;
  values: string[];
  default: string;
  description?: string;
}

/** The parsed lesson. Pure data: no functions, no file handles. */
export interface Lesson {
  file: string;
  id: string;
  title: string;
  lang: string;
  description?: string;
  credits?: string;
  /** The whole talk's time budget (front matter `budget: 45m`), in milliseconds. */
  budgetMs?: number;
  versions: Record<string, string>;
  vars: Record<string, string>;
  components: Record<string, Component>;
  options: Record<string, LessonOption>;
  artifacts: ArtifactSpec[];
  images: ImageSpec[];
  /**
   * Client TLS material for `https://` probes, paths relative to the work directory
   * (front matter `tls: { ca, cert, key }`).
   */
  tls?: { ca: string; cert?: string; key?: string };
  /**
   * Paths (relative to the work directory, or absolute) that hold state later chapters change, removed
   * when the machine is brought back to an earlier chapter (front matter `reset: [etcd-data, ...]`).
   */
  reset: string[];
  /** What the lesson's components leave outside its folders, for reset and clean-up (front matter `leftovers:`). */
  leftovers?: Leftovers;
  /** Network isolation defaults (see docs/isolation.md). */
  isolate?: { enabled: boolean; address?: string };
  /** Narration before the first chapter (the lesson's introduction). */
  intro?: string;
  /** The heading level that starts a chapter (default 2). */
  chapterLevel: number;
  chapters: Chapter[];
}

/**
 * Where a lesson's cluster components keep state that these versions always write on the machine (Pod
 * logs, libcni's cache, the runc shims' sockets), so that reset and clean-up remove exactly the lesson's
 * part of it (front matter `leftovers: { kubelet, containerd: { address, state }, cni }`).
 */
export interface Leftovers {
  /** The kubelet's `--root-dir` (relative to the work directory, or absolute): its Pods' UIDs. */
  kubelet?: string;
  /** The lesson's containerd: its socket address and state folder (its tasks' ids). */
  containerd?: { address: string; state: string };
  /** The CNI network name of the lesson's conflist: libcni names its cache files after it. */
  cniNetwork?: string;
}
