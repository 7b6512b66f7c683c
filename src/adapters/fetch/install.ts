import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from './checksum.js';
import { writeFileSafely } from '../files/write-file-safely.js';
import { evict } from './cache.js';
import { ChecksumMismatchError } from './errors.js';
import type { FetchListener } from './events.js';
import { extractArtifact } from './extract.js';
import type { ResolvedArtifact } from './resolve.js';

/** What the work directory says was installed, per artifact name: lets a second fetch skip installing. */
export interface InstalledEntry {
  version: string;
  arch: string;
  /** Digest of the downloaded file the binaries came from. */
  sha256: string;
  /** Installed paths relative to the work directory. */
  files: string[];
}

/** The manifest of installed artifacts, beside `bin/` in the work directory. */
function installManifestPath(workdir: string): string {
  return join(workdir, '.fetch-manifest.json');
}

/** Read the install manifest (empty when there is none or it is unreadable: then everything reinstalls). */
async function readInstallManifest(workdir: string): Promise<Record<string, InstalledEntry>> {
  try {
    return JSON.parse(await readFile(installManifestPath(workdir), 'utf8')) as Record<string, InstalledEntry>;
  } catch {
    return {};
  }
}

/** A verified file in the cache and the artifact it installs. */
export interface InstallItem {
  artifact: ResolvedArtifact;
  path: string;
  sha256: string;
  /** Verified moments ago by this process (downloaded or unbundled): no need to read it all again. */
  fresh?: boolean;
}

function installedFiles(artifact: ResolvedArtifact): string[] {
  return Object.values(artifact.extract).map((name) => join(artifact.dest, name));
}

async function upToDate(
  workdir: string,
  item: InstallItem,
  entry: InstalledEntry | undefined,
): Promise<boolean> {
  const files = installedFiles(item.artifact);
  if (!entry || entry.sha256 !== item.sha256 || entry.version !== item.artifact.version) return false;
  if (entry.arch !== item.artifact.arch || entry.files.join('\n') !== files.join('\n')) return false;
  for (const file of files) {
    const info = await stat(join(workdir, file)).catch(() => undefined);
    if (!info?.isFile() || (info.mode & 0o111) === 0) return false;
  }
  return true;
}

/**
 * Install artifacts into the work directory all or nothing: each cached file is verified again unless
 * it was verified moments ago (the cache may have been tampered with or truncated), then extracted into a staging folder beside its
 * destination, and only when every artifact has staged are the files renamed into place. A failure
 * before that point leaves the work directory exactly as it was. Returns the names installed now.
 */
export async function installArtifacts(
  workdir: string,
  items: InstallItem[],
  onEvent?: FetchListener,
): Promise<string[]> {
  const manifest = await readInstallManifest(workdir);
  const todo: InstallItem[] = [];
  for (const item of items) {
    if (await upToDate(workdir, item, manifest[item.artifact.name])) {
      onEvent?.({ kind: 'up-to-date', name: item.artifact.name, version: item.artifact.version });
    } else {
      todo.push(item);
    }
  }
  if (todo.length === 0) return [];
  const staged: { item: InstallItem; staging: string; names: string[] }[] = [];
  try {
    for (const item of todo) {
      const actual = item.fresh ? item.sha256 : await sha256File(item.path);
      if (actual !== item.sha256) {
        await evict(item.path);
        throw new ChecksumMismatchError(
          item.artifact.file,
          item.artifact.url,
          item.sha256,
          actual,
          'the cache',
        );
      }
      const destDir = join(workdir, item.artifact.dest);
      await mkdir(destDir, { recursive: true });
      const staging = join(destDir, `.staging-${process.pid}-${Math.random().toString(36).slice(2)}`);
      staged.push({ item, staging, names: [] });
      staged[staged.length - 1]!.names = await extractArtifact(item.path, item.artifact, staging);
    }
    // Commit: renames within one directory are atomic, and nothing can fail for a reason of ours now.
    for (const { item, staging, names } of staged) {
      for (const name of names) await rename(join(staging, name), join(workdir, item.artifact.dest, name));
      manifest[item.artifact.name] = {
        version: item.artifact.version,
        arch: item.artifact.arch,
        sha256: item.sha256,
        files: installedFiles(item.artifact),
      };
    }
    await writeFileSafely(installManifestPath(workdir), `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o644,
      parents: true,
    });
  } finally {
    await Promise.all(staged.map(({ staging }) => rm(staging, { recursive: true, force: true })));
  }
  for (const { item, names } of staged) {
    onEvent?.({
      kind: 'installed',
      name: item.artifact.name,
      version: item.artifact.version,
      files: names,
      dest: join(workdir, item.artifact.dest),
    });
  }
  return staged.map(({ item }) => item.artifact.name);
}
