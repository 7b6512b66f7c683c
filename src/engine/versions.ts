import { UsageError } from '../errors.js';
import { resolveVersionTemplate } from '../lesson/front-matter-artifacts.js';
import type { ArtifactSpec, Lesson } from '../lesson/model.js';
import { hasOwnKey, own, setOwn } from '../lesson/own.js';

/** A version a run uses instead of the lesson's: `--pin kubernetes=1.28.7` → `{ version: '1.28.7', lesson: '1.36.0' }`. */
export interface VersionPin {
  /** The version in force. */
  version: string;
  /** The version the lesson pins in its front matter. */
  lesson: string;
}

/**
 * Check `--pin NAME=VERSION` values against the lesson's `versions` and keep those that change something.
 * An unknown name is a usage error listing the known ones. Pure.
 */
export function resolvePins(
  lesson: Pick<Lesson, 'id' | 'versions'>,
  pins: Record<string, string> = {},
): Record<string, VersionPin> {
  const unknown = Object.keys(pins).filter((name) => !hasOwnKey(lesson.versions, name));
  if (unknown.length > 0) {
    throw new UsageError(`--pin names no version of ${lesson.id}: ${unknown.join(', ')}`, {
      hint: `versions: ${
        Object.entries(lesson.versions)
          .map(([name, version]) => `${name} (${version})`)
          .join(', ') || '(none)'
      }`,
    });
  }
  const out: Record<string, VersionPin> = {};
  for (const [name, version] of Object.entries(pins)) {
    const pinned = own(lesson.versions, name) ?? '';
    if (version !== pinned) setOwn(out, name, { version, lesson: pinned });
  }
  return out;
}

/** The `versions` in force: the lesson's, with the pins put in. */
export function versionsInForce(
  lesson: Pick<Lesson, 'versions'>,
  pins: Record<string, VersionPin> = {},
): Record<string, string> {
  const out = { ...lesson.versions };
  for (const [name, pin] of Object.entries(pins)) setOwn(out, name, pin.version);
  return out;
}

/**
 * The artifacts whose version changes with these versions (those written `${versions.NAME}` with a
 * pinned NAME): artifact name → its new version, as `fetch` takes overrides. Pure.
 */
export function artifactVersions(
  artifacts: readonly ArtifactSpec[],
  versions: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const artifact of artifacts) {
    if (!artifact.versionTemplate) continue;
    const version = resolveVersionTemplate(artifact.versionTemplate, versions);
    if (version !== artifact.version) setOwn(out, artifact.name, version);
  }
  return out;
}

/**
 * The lesson as these pins make it: `versions` overridden, and every artifact whose version follows a
 * pinned name (or is pinned by its own name in `artifactPins`) at the new version, its pinned digests
 * dropped (they belong to the old version). Pure.
 */
export function pinLesson<L extends Pick<Lesson, 'versions' | 'artifacts'>>(
  lesson: L,
  pins: Record<string, VersionPin>,
  artifactPins: Record<string, string> = {},
): L {
  if (Object.keys(pins).length === 0 && Object.keys(artifactPins).length === 0) return lesson;
  const versions = versionsInForce(lesson, pins);
  const changed = { ...artifactVersions(lesson.artifacts, versions), ...artifactPins };
  return {
    ...lesson,
    versions,
    artifacts: lesson.artifacts.map((artifact) => {
      const version = own(changed, artifact.name);
      if (version === undefined || version === artifact.version) return artifact;
      const { sha256: _dropped, ...rest } = artifact;
      return { ...rest, version };
    }),
  };
}

/** Pins as a person reads them: `kubernetes 1.28.7 (pinned 1.36.0), etcd 3.6.8 (pinned 3.6.9)`. */
export function describePins(pins: Record<string, VersionPin>): string {
  return Object.entries(pins)
    .map(([name, pin]) => `${name} ${pin.version} (pinned ${pin.lesson})`)
    .join(', ');
}
