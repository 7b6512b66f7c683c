import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { c as createTar } from 'tar';
import type { ArtifactSpec, ImageSpec } from '../../lesson/model.js';
import { DemystifyError } from '../../errors.js';
import type { Arch } from '../fetch/arch.js';
import { evict } from '../fetch/cache.js';
import { writeFileSafely } from '../files/write-file-safely.js';
import { sha256File } from '../fetch/checksum.js';
import { defaultDownloadDeps, type DownloadDeps } from '../fetch/download.js';
import type { FetchListener } from '../fetch/events.js';
import { fetchArtifacts } from '../fetch/fetch-artifacts.js';
import type { CtrRunner } from './containerd.js';
import { cacheImage } from './images.js';
import { BUNDLE_FORMAT, manifestPath, type BundleManifest } from './manifest.js';

/** What `bundle create` packs and how. */
export interface CreateBundleOptions {
  /** The bundle to write (gzip-compressed when it ends in `.gz` or `.tgz`). */
  file: string;
  lesson: { id: string; artifacts: ArtifactSpec[]; images: ImageSpec[] };
  cacheDir: string;
  arch: Arch;
  mirror?: string;
  versions?: Record<string, string>;
  /** A containerd to export images that have no `url`. */
  ctr?: CtrRunner;
  onEvent?: FetchListener;
  now?: () => Date;
}

/** What went into a bundle. */
export interface CreatedBundle {
  file: string;
  size: number;
  manifest: BundleManifest;
}

/** Check a cached file still has the digest it was cached with, so a damaged cache never ships. */
async function checkCached(path: string, sha256: string): Promise<number> {
  const actual = await sha256File(path);
  if (actual !== sha256) {
    await evict(path);
    throw new DemystifyError(
      'CACHE_CORRUPT',
      `${path} changed since it was verified; it was removed from the cache`,
      {
        hint: 'run the command again to download it anew',
      },
    );
  }
  return (await stat(path)).size;
}

/**
 * Pack everything a lesson needs into one file: its release files (downloaded and verified into the
 * cache first, as `fetch` would) and its images as OCI archives, with a manifest of digests. The bundle
 * is a slice of the cache, so loading it is unpacking it into another machine's cache.
 */
export async function createBundle(
  options: CreateBundleOptions,
  deps: DownloadDeps = defaultDownloadDeps,
): Promise<CreatedBundle> {
  const { cacheDir, arch } = options;
  const fetched = await fetchArtifacts(
    options.lesson.artifacts,
    {
      cacheDir,
      workdir: cacheDir,
      arch,
      mirror: options.mirror,
      versions: options.versions,
      install: false,
      onEvent: options.onEvent,
    },
    deps,
  );
  const images = [];
  for (const image of options.lesson.images) {
    images.push(
      await cacheImage(
        image,
        { cacheDir, arch, mirror: options.mirror, ctr: options.ctr, onEvent: options.onEvent },
        deps,
      ),
    );
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    lesson: options.lesson.id,
    arch,
    created: (options.now?.() ?? new Date()).toISOString(),
    artifacts: [],
    images: [],
  };
  for (const { artifact, path, sha256 } of fetched.artifacts) {
    manifest.artifacts.push({
      artifact,
      path: relative(cacheDir, path),
      sha256,
      size: await checkCached(path, sha256),
    });
  }
  for (const image of images) {
    manifest.images.push({
      ref: image.ref,
      path: image.rel,
      sha256: image.sha256,
      size: await checkCached(image.path, image.sha256),
    });
  }
  const manifestRel = manifestPath(manifest.lesson, arch);
  await writeFileSafely(`${cacheDir}/${manifestRel}`, `${JSON.stringify(manifest, null, 2)}\n`, {
    mode: 0o644,
    parents: true,
  });
  // The archive streams into writeFileSafely: a temp file renamed over FILE, or /dev/null written in place.
  const tar = createTar({ cwd: cacheDir, gzip: /\.(gz|tgz)$/.test(options.file), portable: true }, [
    manifestRel,
    ...manifest.artifacts.map((a) => a.path),
    ...manifest.images.map((i) => i.path),
  ]);
  const written = await writeFileSafely(options.file, tar, { mode: 0o644 });
  return { file: options.file, size: written.bytes, manifest };
}
