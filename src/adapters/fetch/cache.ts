import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileSafely } from '../files/write-file-safely.js';
import { expectedDigest, type ExpectedDigest } from './checksum.js';
import { downloadFile, type DownloadDeps } from './download.js';
import { ChecksumMismatchError } from './errors.js';
import type { FetchListener } from './events.js';
import type { ResolvedArtifact } from './resolve.js';

/**
 * Where an artifact lives in the cache: `<cache>/artifacts/<name>/<version>/<arch>/<file>`. The mirror
 * is not part of the key: the same release file from a mirror is the same file (its digest says so).
 */
export function artifactCachePath(
  cacheDir: string,
  artifact: Pick<ResolvedArtifact, 'name' | 'version' | 'arch' | 'file'>,
): string {
  return join(cacheDir, 'artifacts', artifact.name, artifact.version, artifact.arch, artifact.file);
}

/** The sidecar recording the digest a cached file was verified against when it entered the cache. */
function sidecarPath(path: string): string {
  return `${path}.sha256`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The verified digest of a cached file, or undefined when the file or its sidecar is missing. */
export async function readVerified(path: string): Promise<string | undefined> {
  if (!(await exists(path))) return undefined;
  try {
    const digest = (await readFile(sidecarPath(path), 'utf8')).trim();
    return /^[0-9a-f]{64}$/.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}

/** Record that `path` was verified with `sha256` (its sidecar written atomically: writeFileSafely). */
export async function markVerified(path: string, sha256: string): Promise<void> {
  await writeFileSafely(sidecarPath(path), `${sha256}\n`, { mode: 0o644, parents: true });
}

/** Forget a cached file (a failed verification): the file, its sidecar and any partial download. */
export async function evict(path: string): Promise<void> {
  await Promise.all([
    rm(path, { force: true }),
    rm(sidecarPath(path), { force: true }),
    rm(`${path}.part`, { force: true }),
  ]);
}

/** A file to bring into the cache: where from, where to, and the digest it must have (if known). */
export interface CacheDownload {
  url: string;
  file: string;
  /** What the file is for (an artifact's name), for events; defaults to `file`. */
  name?: string;
  path: string;
  /** Resolved only on a cache miss, so a second run needs no network at all. */
  expected: () => Promise<ExpectedDigest | undefined>;
  onEvent?: FetchListener;
  signal?: AbortSignal;
}

/** What {@link cacheFile} did. */
export interface Cached {
  path: string;
  sha256: string;
  downloaded: boolean;
}

/**
 * Make sure `path` holds the verified file: reuse it when the cache already has it, else download it
 * (resuming a partial file) to `<path>.part`, verify the sha256, and only then rename it into place. A
 * wrong digest deletes the download; a digest wrong after a resume gets one clean retry first, since the
 * kept prefix may have come from a different file.
 */
export async function cacheFile(request: CacheDownload, deps: DownloadDeps): Promise<Cached> {
  const { url, file, path, onEvent } = request;
  const known = await readVerified(path);
  const expected = await request.expected();
  if (known && (!expected || expected.sha256 === known)) {
    onEvent?.({ kind: 'cached', name: request.name ?? file, file });
    return { path, sha256: known, downloaded: false };
  }
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  for (let round = 1; ; round++) {
    const resumed = (await stat(part).catch(() => undefined))?.size ?? 0;
    const { sha256: actual } = await downloadFile(
      { url, file, partPath: part, onEvent, signal: request.signal },
      deps,
    );
    if (!expected || actual === expected.sha256) {
      await rename(part, path);
      await markVerified(path, actual);
      if (expected) onEvent?.({ kind: 'verified', file, sha256: actual, source: expected.source });
      return { path, sha256: actual, downloaded: true };
    }
    await rm(part, { force: true });
    if (resumed === 0 || round > 1) {
      await evict(path);
      throw new ChecksumMismatchError(file, url, expected.sha256, actual, expected.source);
    }
  }
}

/** {@link cacheFile} for a lesson artifact, its expected digest from the lesson and the release. */
export function cacheArtifact(
  artifact: ResolvedArtifact,
  cacheDir: string,
  deps: DownloadDeps,
  onEvent?: FetchListener,
  signal?: AbortSignal,
): Promise<Cached> {
  const path = artifactCachePath(cacheDir, artifact);
  return cacheFile(
    {
      url: artifact.url,
      file: artifact.file,
      name: artifact.name,
      path,
      onEvent,
      signal,
      expected: async () => {
        // A cached, verified file whose digest matches the pin needs no network to confirm.
        const known = await readVerified(path);
        if (known && (!artifact.pinned || artifact.pinned === known))
          return { sha256: known, source: 'cache' };
        return expectedDigest(artifact, deps.fetch, deps.sleep);
      },
    },
    deps,
  );
}
