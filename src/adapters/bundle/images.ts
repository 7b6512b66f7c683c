import { posix, join } from 'node:path';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { ImageSpec } from '../../lesson/model.js';
import { DemystifyError } from '../../errors.js';
import type { Arch } from '../fetch/arch.js';
import { cacheFile, markVerified, readVerified } from '../fetch/cache.js';
import { sha256File } from '../fetch/checksum.js';
import type { DownloadDeps } from '../fetch/download.js';
import type { FetchListener } from '../fetch/events.js';
import { applyMirror } from '../fetch/resolve.js';
import { containerdAnswers, exportImage, importImage, listImages, type CtrRunner } from './containerd.js';

/** A reference as a file name: every character outside `[A-Za-z0-9._-]` becomes `_`. */
function imageFileName(ref: string): string {
  return `${ref.replace(/[^A-Za-z0-9._-]/g, '_')}.oci.tar`;
}

/** An image archive's path relative to the cache (and inside a bundle): `images/<arch>/<ref>.oci.tar`. */
export function imageRelPath(ref: string, arch: string): string {
  return posix.join('images', arch, imageFileName(ref));
}

/** Fill `${arch}` in an image URL (images have no `${version}`: the tag is in the reference). */
export function expandImageUrl(template: string, arch: string, ref: string): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, key: string) => {
    if (key === 'arch') return arch;
    throw new DemystifyError(
      'LESSON_INVALID',
      `image ${ref}: unknown placeholder ${whole} in url (only \${arch})`,
    );
  });
}

/** How to obtain images: the cache, then the image's `url`, then a running containerd to export from. */
export interface ImageSource {
  cacheDir: string;
  arch: Arch;
  mirror?: string;
  /** A containerd to export images that have no `url` (optional). */
  ctr?: CtrRunner;
  onEvent?: FetchListener;
  /** What to tell a learner when the image cannot be had (depends on the command). */
  missingHint?: string;
}

/** An image archive in the cache. */
export interface CachedImage {
  ref: string;
  /** Relative to the cache. */
  rel: string;
  path: string;
  sha256: string;
  downloaded: boolean;
}

/**
 * Bring an image's OCI archive into the cache. OCI archives carry no published checksum; the digest
 * recorded when it enters the cache is the one a bundle carries and `bundle load` checks.
 */
export async function cacheImage(
  image: ImageSpec,
  source: ImageSource,
  deps: DownloadDeps,
): Promise<CachedImage> {
  const rel = imageRelPath(image.ref, source.arch);
  const path = join(source.cacheDir, rel);
  const known = await readVerified(path);
  if (known) {
    source.onEvent?.({ kind: 'cached', name: image.ref, file: imageFileName(image.ref) });
    return { ref: image.ref, rel, path, sha256: known, downloaded: false };
  }
  if (image.url) {
    const url = applyMirror(expandImageUrl(image.url, source.arch, image.ref), source.mirror);
    const file = posix.basename(new URL(url).pathname);
    const cached = await cacheFile(
      { url, file, name: image.ref, path, onEvent: source.onEvent, expected: async () => undefined },
      deps,
    );
    return { ref: image.ref, rel, path, sha256: cached.sha256, downloaded: cached.downloaded };
  }
  if (source.ctr && (await containerdAnswers(source.ctr))) {
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.export-${process.pid}`;
    try {
      await exportImage(source.ctr, image.ref, tmp, source.arch);
      const sha256 = await sha256File(tmp);
      await rename(tmp, path);
      await markVerified(path, sha256);
      return { ref: image.ref, rel, path, sha256, downloaded: false };
    } finally {
      await rm(tmp, { force: true });
    }
  }
  throw new DemystifyError('IMAGE_UNAVAILABLE', `image ${image.ref} has no url and is not in the cache`, {
    hint:
      source.missingHint ??
      `pull it into a running containerd (ctr -n k8s.io images pull ${image.ref}) and pass --address SOCKET`,
  });
}

/** What happened to each image on import. */
export interface ImportReport {
  imported: string[];
  present: string[];
}

/**
 * Import cached image archives into containerd's k8s.io namespace, skipping those it already has, and
 * check each reference is there afterwards (an archive with other names would otherwise pass silently).
 */
export async function importImages(
  images: { ref: string; path: string }[],
  ctr: CtrRunner,
  arch: string,
  snapshotter?: string,
): Promise<ImportReport> {
  // A containerd just started may take a moment to answer on a loaded machine: ask for a few seconds.
  if (!(await containerdAnswers(ctr, 10_000))) {
    throw new DemystifyError('CONTAINERD_DOWN', 'containerd does not answer at the given address', {
      hint: 'start containerd first (the lesson chapter that starts it), or pass --address SOCKET',
    });
  }
  const before = new Set(await listImages(ctr));
  const report: ImportReport = { imported: [], present: [] };
  for (const image of images) (before.has(image.ref) ? report.present : report.imported).push(image.ref);
  // Side by side: each import is mostly ctr starting and containerd unpacking, and they do not conflict.
  await Promise.all(
    images
      .filter((image) => !before.has(image.ref))
      .map((image) => importImage(ctr, image.path, image.ref, arch, snapshotter)),
  );
  const after = new Set(await listImages(ctr));
  const missing = report.imported.filter((ref) => !after.has(ref));
  if (missing.length > 0) {
    throw new DemystifyError('IMAGE_IMPORT', `imported, but containerd lists no ${missing.join(', ')}`, {
      hint: `the archive names its image differently; images now: ${[...after].join(', ') || '(none)'}`,
    });
  }
  return report;
}
