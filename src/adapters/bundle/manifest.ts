import { posix } from 'node:path';
import { DemystifyError } from '../../errors.js';
import type { Arch } from '../fetch/arch.js';
import type { ResolvedArtifact } from '../fetch/resolve.js';

/** The format identifier written into every bundle; bumped on any incompatible change. */
export const BUNDLE_FORMAT = 'demystify.bundle/v1';

/** A release file inside a bundle, with all it takes to install it without the lesson or the network. */
export interface BundleArtifact {
  artifact: ResolvedArtifact;
  /** Path inside the bundle, which is also its path relative to the cache. */
  path: string;
  sha256: string;
  size: number;
}

/** A container image inside a bundle, as an OCI archive. */
export interface BundleImage {
  ref: string;
  path: string;
  sha256: string;
  size: number;
}

/** `bundles/<lesson>-<arch>.json` in a bundle: what it holds and the digest of each file. */
export interface BundleManifest {
  format: string;
  lesson: string;
  arch: Arch;
  created: string;
  artifacts: BundleArtifact[];
  images: BundleImage[];
}

/** Top-level folders a bundle may hold; anything else in the archive is ignored when loading. */
export const BUNDLE_DIRS = ['bundles', 'artifacts', 'images'] as const;

/** Path of a bundle's manifest, relative to the cache (and inside the bundle). */
export function manifestPath(lesson: string, arch: string): string {
  return posix.join('bundles', `${lesson}-${arch}.json`);
}

/** A path from a manifest is safe only when it stays under one of {@link BUNDLE_DIRS}. */
export function isSafeBundlePath(path: string): boolean {
  const normal = posix.normalize(path);
  return (
    normal === path && !posix.isAbsolute(path) && BUNDLE_DIRS.some((dir) => normal.startsWith(`${dir}/`))
  );
}

/** Parse and check a manifest read from a bundle. */
export function parseManifest(text: string, bundleFile: string): BundleManifest {
  let data: BundleManifest;
  try {
    data = JSON.parse(text) as BundleManifest;
  } catch (error) {
    throw new DemystifyError('BUNDLE_INVALID', `${bundleFile}: its manifest is not JSON`, { cause: error });
  }
  if (data.format !== BUNDLE_FORMAT) {
    throw new DemystifyError(
      'BUNDLE_INVALID',
      `${bundleFile}: unknown bundle format ${String(data.format)}`,
      {
        hint: `this demystify reads ${BUNDLE_FORMAT}; make the bundle again with the same version`,
      },
    );
  }
  const paths = [...data.artifacts.map((a) => a.path), ...data.images.map((i) => i.path)];
  const unsafe = paths.filter((path) => !isSafeBundlePath(path));
  if (unsafe.length > 0)
    throw new DemystifyError('BUNDLE_INVALID', `${bundleFile}: unsafe paths ${unsafe.join(', ')}`);
  for (const { artifact } of data.artifacts) {
    const dest = posix.normalize(artifact.dest);
    const names = Object.values(artifact.extract);
    if (
      posix.isAbsolute(dest) ||
      dest.startsWith('..') ||
      names.some((n) => n.includes('/') || n === '..' || n === '.')
    ) {
      throw new DemystifyError(
        'BUNDLE_INVALID',
        `${bundleFile}: artifact ${artifact.name} installs outside the work directory`,
      );
    }
  }
  return data;
}
