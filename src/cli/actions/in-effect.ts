import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLesson } from '../../adapters/lessons/lesson-files.js';
import { readState, type WorkdirState } from '../../adapters/workdir/state-store.js';
import { workdirLayout } from '../../adapters/workdir/workdir.js';
import { resolveOptions } from '../../engine/plan.js';
import {
  artifactVersions,
  describePins,
  pinLesson,
  resolvePins,
  versionsInForce,
  type VersionPin,
} from '../../engine/versions.js';
import { UsageError } from '../../errors.js';
import { formatWhen, neededArtifacts, neededImages } from '../../lesson/conditions.js';
import type { ArtifactSpec, ImageSpec, Lesson } from '../../lesson/model.js';
import { hasOwnKey } from '../../lesson/own.js';
import { parsePins, parseSetFlags } from '../common.js';

/**
 * What `fetch`, `bundle` and `doctor` act on: the lesson options and versions in effect, and so the
 * artifacts and images the lesson needs with them.
 */
export interface InEffect {
  /** Every option's value: `--set`, else the work directory's state.json (the run that set it up), else the default. */
  options: Record<string, string>;
  /** Versions instead of the lesson's: `--pin NAME=VERSION` of a `versions` name, else state.json's. */
  pins: Record<string, VersionPin>;
  /** `--pin ARTIFACT=VERSION` of an artifact by its own name (not a `versions` name): that artifact only. */
  artifactPins: Record<string, string>;
  /** The artifacts needed with these options, as written (fetch applies `versions` overrides). */
  artifacts: ArtifactSpec[];
  /** Those left out: their `when` does not hold. */
  skipped: ArtifactSpec[];
  images: ImageSpec[];
  /** `fetch`'s per-artifact version overrides: artifact name → version. */
  artifactOverrides: Record<string, string>;
  /** The lesson as the pins make it (versions and artifact versions), its artifacts and images those needed. */
  lesson: Lesson;
}

/**
 * The lesson a command acts on: the one named, else, with `--workdir`, the lesson of the run that set that
 * work directory up (its state.json), so `demystify fetch --workdir ${lesson.workdir}` typed by any lesson
 * fetches that lesson's artifacts; else the built-in lesson.
 */
export async function lessonFor(
  ref: string | undefined,
  opts: { workdir?: string; lang?: string },
): Promise<Lesson> {
  if (ref === undefined && opts.workdir !== undefined) {
    const state = await readState(workdirLayout(resolve(opts.workdir)).stateFile).catch(() => undefined);
    if (state && existsSync(state.lessonFile)) return loadLesson(state.lessonFile);
  }
  return loadLesson(ref, opts.lang ? { lang: opts.lang } : {});
}

/** The state.json of a work directory, if it was set up by a run of this lesson (an unreadable one is ignored). */
async function stateOf(lesson: Lesson, workdir: string | undefined): Promise<WorkdirState | undefined> {
  if (workdir === undefined) return undefined;
  const state = await readState(workdirLayout(workdir).stateFile).catch(() => undefined);
  return state?.lessonId === lesson.id ? state : undefined;
}

/**
 * The options and versions in effect for a command on a lesson and work directory: `--set`/`--pin`, else
 * what the work directory's run recorded in state.json (so `demystify fetch --workdir ${lesson.workdir}`
 * typed by the lesson follows the run's options), else the lesson's defaults. A `--pin` may name a
 * `versions` entry (every artifact written `${versions.NAME}` follows) or, as before, one artifact.
 */
export async function inEffect(
  lesson: Lesson,
  workdir: string | undefined,
  flags: { set?: string[]; pin?: string[] },
): Promise<InEffect> {
  const state = await stateOf(lesson, workdir);
  const recorded: Record<string, string> = {};
  // A value the lesson no longer has (it changed since the run) is dropped: the default applies.
  for (const [name, value] of Object.entries(state?.options ?? {}))
    if (lesson.options[name]?.values.includes(value)) recorded[name] = value;
  const options = resolveOptions(lesson, { ...recorded, ...parseSetFlags(flags.set) });

  const versionPins: Record<string, string> = {};
  for (const [name, pin] of Object.entries(state?.pins ?? {}))
    if (hasOwnKey(lesson.versions, name)) versionPins[name] = pin.version;
  const artifactPins: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [name, version] of Object.entries(parsePins(flags.pin))) {
    if (hasOwnKey(lesson.versions, name)) versionPins[name] = version;
    else if (lesson.artifacts.some((a) => a.name === name)) artifactPins[name] = version;
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    const versions = Object.keys(lesson.versions).join(', ') || '(none)';
    const artifacts = lesson.artifacts.map((a) => a.name).join(', ') || '(none)';
    throw new UsageError(`--pin names no artifact of ${lesson.id}: ${unknown.join(', ')}`, {
      hint: `versions: ${versions}; artifacts: ${artifacts}`,
    });
  }
  const pins = resolvePins(lesson, versionPins);
  const artifacts = neededArtifacts(lesson, options);
  const images = neededImages(lesson, options);
  const needed = { ...lesson, artifacts, images };
  return {
    options,
    pins,
    artifactPins,
    artifacts,
    skipped: lesson.artifacts.filter((a) => !artifacts.includes(a)),
    images,
    artifactOverrides: {
      ...artifactVersions(lesson.artifacts, versionsInForce(lesson, pins)),
      ...artifactPins,
    },
    lesson: pinLesson(needed, pins, artifactPins),
  };
}

/** A line on what was left out and why, e.g. `not needed with these options: helm (when network=calico, ingress=helm)`. */
export function skippedLine(skipped: ArtifactSpec[]): string {
  if (skipped.length === 0) return '';
  const items = skipped.map((a) => `${a.name} (when ${formatWhen(a.when ?? [])})`);
  return `not needed with these options: ${items.join(', ')}\n`;
}

/** A line naming the versions used instead of the lesson's, so a stand-in is never taken for the pinned one. */
export function pinsLine(pins: Record<string, VersionPin> | undefined): string {
  return pins && Object.keys(pins).length > 0 ? `versions: ${describePins(pins)}\n` : '';
}
