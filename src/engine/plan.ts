import { UsageError } from '../errors.js';
import type { Chapter, Expectation, Lesson, Probe } from '../lesson/model.js';
import { whenHolds } from '../lesson/conditions.js';
import { parseProbe } from '../lesson/probes.js';
import { own, setOwn } from '../lesson/own.js';
import { resolveShellTemplates } from '../lesson/shell-templates.js';
import {
  lessonTemplateContext,
  resolveRegexTemplates,
  resolveTemplates,
  type TemplateContext,
} from '../lesson/templates.js';
import type { ExcludedStep, NodeSource, Plan, PlannedStep } from './plan-model.js';
import { resolvePins, versionsInForce, type VersionPin } from './versions.js';

/** Name of the lesson's shell session, where steps without `session` are typed. */
const SHELL_SESSION = 'shell';
/**
 * What a `sudo` step is typed with when not root. sudo's `secure_path` would drop the lesson's `bin/` from
 * PATH, so the command would not find the binaries the lesson fetched: `env PATH=…` keeps it.
 */
const SUDO_PREFIX = 'sudo env "PATH=$PATH" ';
/** Default time a step may take, readiness included, when the lesson sets no `timeout`. */
const DEFAULT_STEP_TIMEOUT_MS = 120_000;

/** What a plan is resolved against. */
export interface PlanOptions {
  workdir: string;
  /** Folder of binaries first on PATH (default `<workdir>/bin`). */
  binDir?: string;
  /** First and last chapter to include (ids, or 1-based numbers). */
  from?: string;
  to?: string;
  /** Option values set on the command line (`--set network=calico`). */
  options?: Record<string, string>;
  /** Versions set on the command line (`--pin kubernetes=1.28.7`), overriding the front matter's `versions`. */
  pins?: Record<string, string>;
  /** Running as root: `sudo` steps are typed without `sudo`. */
  asRoot?: boolean;
  /** Node address and name for `${node.ip}` and `${node.name}` (source: `given` unless said). */
  node?: { ip: string; name: string; source?: NodeSource };
  /** Include checks (default true). */
  checks?: boolean;
}

/**
 * Find a chapter by id, or by 1-based number; a UsageError lists the ids when there is none. An id wins
 * over a number: with chapters `{#3}`, `{#1}`, `{#2}`, `--from 1` is the second chapter (lint warns about
 * such ids, `numeric-chapter-id`).
 */
export function findChapterIndex(lesson: Lesson, ref: string): number {
  const byId = lesson.chapters.findIndex((c) => c.id === ref);
  if (byId !== -1) return byId;
  const n = Number(ref);
  if (Number.isInteger(n) && n >= 1 && n <= lesson.chapters.length) return n - 1;
  throw new UsageError(`no chapter '${ref}' in lesson '${lesson.id}'`, {
    hint: `chapters: ${lesson.chapters.map((c, i) => `${i + 1}:${c.id}`).join(' ')}`,
  });
}

/** The option values in force: lesson defaults overridden by the command line, each checked. */
export function resolveOptions(lesson: Lesson, set: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, option] of Object.entries(lesson.options)) setOwn(out, name, option.default);
  for (const [name, value] of Object.entries(set)) {
    const option = own(lesson.options, name);
    if (!option)
      throw new UsageError(`lesson '${lesson.id}' has no option '${name}'`, {
        hint: `options: ${Object.keys(lesson.options).join(', ') || 'none'}`,
      });
    if (!option.values.includes(value))
      throw new UsageError(`option '${name}' cannot be '${value}'`, {
        hint: `values: ${option.values.join(', ')}`,
      });
    setOwn(out, name, value);
  }
  return out;
}

/** The template values of a plan. */
function templateContext(
  lesson: Lesson,
  opts: PlanOptions,
  options: Record<string, string>,
  pins: Record<string, VersionPin> = {},
): TemplateContext {
  return lessonTemplateContext(lesson, {
    workdir: opts.workdir,
    bin: opts.binDir,
    node: opts.node,
    versions: versionsInForce(lesson, pins),
    options,
  });
}

/**
 * Build the plan: every step the engine will run, in order, with templates resolved, options applied
 * (`when`), steps marked `excludeFromRunAll` left out, and `sudo` added when not running as root. Pure.
 */
export function buildPlan(lesson: Lesson, opts: PlanOptions): Plan {
  const first = opts.from === undefined ? 0 : findChapterIndex(lesson, opts.from);
  const last = opts.to === undefined ? lesson.chapters.length - 1 : findChapterIndex(lesson, opts.to);
  if (last < first) throw new UsageError(`--to '${opts.to}' comes before --from '${opts.from}'`);
  const options = resolveOptions(lesson, opts.options);
  const pins = resolvePins(lesson, opts.pins);
  const context = templateContext(lesson, opts, options, pins);
  const resolve: Resolve = {
    text: (text) => resolveTemplates(text, context),
    shell: (code) => resolveShellTemplates(code, context),
    regex: (pattern) => resolveRegexTemplates(pattern, context),
  };
  const steps: PlannedStep[] = [];
  const excluded: ExcludedStep[] = [];
  const chapters: Plan['chapters'] = [];
  for (const chapter of lesson.chapters.slice(first, last + 1)) {
    chapters.push({
      id: chapter.id,
      title: chapter.title,
      steps: planChapter(lesson, chapter, opts, options, resolve, steps, excluded),
    });
  }
  return {
    lessonId: lesson.id,
    lessonFile: lesson.file,
    lang: lesson.lang,
    workdir: opts.workdir,
    shellSession: SHELL_SESSION,
    options,
    ...(Object.keys(pins).length > 0 ? { pins } : {}),
    node: {
      ip: opts.node?.ip ?? '127.0.0.1',
      name: opts.node?.name ?? 'node',
      source: opts.node ? (opts.node.source ?? 'given') : 'loopback',
    },
    chapters,
    steps,
    excluded,
  };
}

function planChapter(
  lesson: Lesson,
  chapter: Chapter,
  opts: PlanOptions,
  options: Record<string, string>,
  resolve: Resolve,
  steps: PlannedStep[],
  excluded: ExcludedStep[],
): number[] {
  const indices: number[] = [];
  for (const step of chapter.steps) {
    if (!whenHolds(step.when, options)) continue;
    if (step.excludeFromRunAll) {
      const command = resolve.text(step.code);
      excluded.push({
        chapterId: chapter.id,
        name: step.name,
        command: step.sudo && !opts.asRoot ? `${SUDO_PREFIX}${command}` : command,
        sudo: step.sudo,
        after: steps.length - 1,
      });
      continue;
    }
    if (step.check && opts.checks === false) continue;
    const component = step.session === undefined ? undefined : own(lesson.components, step.session);
    const probes = step.ready.length > 0 ? step.ready : (component?.ready ?? []);
    const command = resolve.shell(step.code);
    const planned: PlannedStep = {
      index: steps.length,
      chapterId: chapter.id,
      chapterTitle: chapter.title,
      name: step.name,
      session: component?.session ?? SHELL_SESSION,
      ...(component ? { component: component.name } : {}),
      command: step.sudo && !opts.asRoot ? `${SUDO_PREFIX}${command}` : command,
      ready: probes.map((p) => reparse(p, resolve)),
      expect: resolveExpectation(step.expect, resolve),
      check: step.check,
      timeoutMs: step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
      sudo: step.sudo,
      interactive: step.interactive,
      background: step.background,
      ...(step.expectedOutput === undefined ? {} : { expectedOutput: step.expectedOutput }),
      ...(step.verify?.length ? { verify: step.verify.map((p) => reparse(p, resolve)) } : {}),
      ...(step.failcheck?.length ? { failcheck: step.failcheck.map((p) => reparse(p, resolve)) } : {}),
      ...(step.hints?.length
        ? { hints: step.hints.map((h) => (h.when ? { when: reparse(h.when, resolve) } : {})) }
        : {}),
    };
    indices.push(planned.index);
    steps.push(planned);
  }
  return indices;
}

/**
 * How templates are filled in: as text, in shell code (values quoted for where they stand), or inside a
 * regular expression (values escaped).
 */
interface Resolve {
  text: (text: string) => string;
  shell: (code: string) => string;
  regex: (pattern: string) => string;
}

/**
 * Probes are parsed again once their templates are resolved (a port may be `${vars.port}`); in a
 * `log:/…/` probe the values are escaped, as they stand in a regular expression; a `cmd:` probe is shell
 * code, run by `bash -c`, and its values are quoted as a step's are.
 */
function reparse(probe: Probe, resolve: Resolve): Probe {
  const raw =
    probe.kind === 'log'
      ? resolve.regex(probe.raw)
      : probe.kind === 'cmd'
        ? `cmd:${resolve.shell(probe.command)}`
        : resolve.text(probe.raw);
  const parsed = parseProbe(raw);
  return 'error' in parsed ? probe : parsed;
}

/** An expectation with the templates of its `output=/…/` filled in, escaped (`1.28.7` → `1\.28\.7`). */
function resolveExpectation(expect: Expectation, resolve: Resolve): Expectation {
  if (!expect.output) return expect;
  return { ...expect, output: { ...expect.output, pattern: resolve.regex(expect.output.pattern) } };
}
