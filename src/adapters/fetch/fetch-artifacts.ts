import type { ArtifactSpec } from '../../lesson/model.js';
import type { Arch } from './arch.js';
import { cacheArtifact, type Cached } from './cache.js';
import { defaultDownloadDeps, type DownloadDeps } from './download.js';
import { FetchError } from './errors.js';
import type { FetchListener } from './events.js';
import { installArtifacts } from './install.js';
import { resolveArtifact, type ResolvedArtifact } from './resolve.js';

/** What `fetch` is asked to do. */
export interface FetchOptions {
  /** The download cache (`defaultCacheDir()` unless `--cache`). */
  cacheDir: string;
  /** The lesson's work directory root; binaries go to `<workdir>/<dest>` (`bin` by default). */
  workdir: string;
  arch: Arch;
  mirror?: string;
  /** Per-artifact version overrides (`--pin name=version`). */
  versions?: Record<string, string>;
  /** Downloads at once (default 3: enough to fill a link, few enough to read the bars). */
  concurrency?: number;
  /** Fill the cache only (used by `bundle create`). */
  install?: boolean;
  onEvent?: FetchListener;
}

/** One artifact's outcome. */
export interface FetchedArtifact {
  artifact: ResolvedArtifact;
  /** Path of the verified file in the cache. */
  path: string;
  sha256: string;
  /** Whether it came over the network this time. */
  downloaded: boolean;
}

/** What a fetch did. */
export interface FetchResult {
  artifacts: FetchedArtifact[];
  /** Names of the artifacts installed by this run (empty when everything was up to date). */
  installed: string[];
}

/** Run `work` over `items` with at most `limit` at once; the first failure aborts the rest and is thrown. */
async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const controller = new AbortController();
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, controller.signal);
      } catch (error) {
        // The first error is the one to report; the others are mostly "aborted" echoes of it.
        if (!failure) {
          failure = { error };
          controller.abort(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/**
 * Download what is missing from the cache, verify every file's sha256, then install the binaries into
 * the work directory atomically. Everything is downloaded and verified before anything is installed, so
 * a failure (a wrong checksum, a 404, a refused connection, no network) leaves `bin/` untouched; the
 * partial download of a broken connection stays in the cache and the next run resumes it.
 */
export async function fetchArtifacts(
  specs: ArtifactSpec[],
  options: FetchOptions,
  deps: DownloadDeps = defaultDownloadDeps,
): Promise<FetchResult> {
  const onEvent = options.onEvent;
  const resolved = specs.map((spec) =>
    resolveArtifact(spec, { arch: options.arch, mirror: options.mirror, versions: options.versions }),
  );
  const cached = await pool<ResolvedArtifact, Cached>(
    resolved,
    options.concurrency ?? 3,
    async (artifact, signal) => {
      try {
        return await cacheArtifact(artifact, options.cacheDir, deps, onEvent, signal);
      } catch (error) {
        if (error instanceof FetchError)
          onEvent?.({ kind: 'failed', file: error.file, message: error.message });
        throw error;
      }
    },
  );
  const artifacts = resolved.map((artifact, index) => ({ artifact, ...cached[index]! }));
  const installed =
    options.install === false
      ? []
      : await installArtifacts(
          options.workdir,
          artifacts.map(({ artifact, path, sha256, downloaded }) => ({
            artifact,
            path,
            sha256,
            fresh: downloaded,
          })),
          onEvent,
        );
  return { artifacts, installed };
}
