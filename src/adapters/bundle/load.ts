import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { x as extractTar } from 'tar';
import { DemystifyError } from '../../errors.js';
import { markVerified } from '../fetch/cache.js';
import { writeFileSafely } from '../files/write-file-safely.js';
import { sha256File } from '../fetch/checksum.js';
import type { FetchListener } from '../fetch/events.js';
import { installArtifacts } from '../fetch/install.js';
import { BUNDLE_DIRS, parseManifest, type BundleManifest } from './manifest.js';

/** Where `bundle load` puts things. */
export interface LoadBundleOptions {
  file: string;
  cacheDir: string;
  /** Work directory to install into; computed from the bundle's lesson when absent. */
  workdir: string | ((lessonId: string) => string);
  onEvent?: FetchListener;
}

/** What a load did. */
export interface LoadedBundle {
  manifest: BundleManifest;
  workdir: string;
  installed: string[];
  /** Cached image archives (absolute paths), ready for import into containerd. */
  images: { ref: string; path: string }[];
}

/**
 * Fill the cache from a bundle and install its binaries, with no network at all: the archive is unpacked
 * beside the cache, every file is checked against the manifest's sha256, and only then moved into the
 * cache (a damaged bundle leaves the cache as it was). The binaries are installed as `fetch` would.
 */
export async function loadBundle(options: LoadBundleOptions): Promise<LoadedBundle> {
  const { file, cacheDir } = options;
  await mkdir(cacheDir, { recursive: true });
  const incoming = await mkdtemp(join(cacheDir, '.incoming-'));
  try {
    try {
      await extractTar({
        file,
        cwd: incoming,
        strict: true,
        filter: (path, entry) =>
          BUNDLE_DIRS.some((dir) => path.replace(/^\.\//, '').startsWith(`${dir}/`)) &&
          (!('type' in entry) || entry.type === 'File' || entry.type === 'Directory'),
      });
    } catch (error) {
      throw new DemystifyError('BUNDLE_INVALID', `cannot read bundle ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const manifests = await readdir(join(incoming, 'bundles')).catch(() => [] as string[]);
    if (manifests.length !== 1) {
      throw new DemystifyError(
        'BUNDLE_INVALID',
        `${file} is not a demystify bundle (${manifests.length} manifests)`,
      );
    }
    const manifestRel = join('bundles', manifests[0]!);
    const manifest = parseManifest(await readFile(join(incoming, manifestRel), 'utf8'), file);
    const entries = [...manifest.artifacts, ...manifest.images];
    for (const entry of entries) {
      const actual = await sha256File(join(incoming, entry.path)).catch(() => 'missing');
      if (actual !== entry.sha256) {
        throw new DemystifyError(
          'BUNDLE_CORRUPT',
          `${file}: ${entry.path} is ${actual === 'missing' ? 'missing' : 'damaged'}`,
          {
            hint: 'copy the bundle again (compare its sha256 with the original)',
          },
        );
      }
    }
    for (const entry of entries) {
      const target = join(cacheDir, entry.path);
      await mkdir(dirname(target), { recursive: true });
      await rename(join(incoming, entry.path), target);
      await markVerified(target, entry.sha256);
    }
    await writeFileSafely(join(cacheDir, manifestRel), await readFile(join(incoming, manifestRel)), {
      mode: 0o644,
      parents: true,
    });
    const workdir = typeof options.workdir === 'string' ? options.workdir : options.workdir(manifest.lesson);
    const installed = await installArtifacts(
      workdir,
      manifest.artifacts.map((a) => ({
        artifact: a.artifact,
        path: join(cacheDir, a.path),
        sha256: a.sha256,
        fresh: true,
      })),
      options.onEvent,
    );
    return {
      manifest,
      workdir,
      installed,
      images: manifest.images.map((i) => ({ ref: i.ref, path: join(cacheDir, i.path) })),
    };
  } finally {
    await rm(incoming, { recursive: true, force: true });
  }
}
