import { chmod, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { x as extractTar } from 'tar';
import { ArchiveEntryError } from './errors.js';
import { normaliseEntry, type ResolvedArtifact } from './resolve.js';

/**
 * Put the files an artifact installs into `stagingDir`, each under its install name with the run bit:
 * the chosen entries of a tar archive (gzip or not), or the download itself for a plain binary. Only
 * regular files are taken, so an archive cannot plant a link pointing outside the work directory.
 * Returns the install names.
 */
export async function extractArtifact(
  archivePath: string,
  artifact: ResolvedArtifact,
  stagingDir: string,
): Promise<string[]> {
  await mkdir(stagingDir, { recursive: true });
  const names = Object.values(artifact.extract);
  if (!artifact.archive) {
    const name = artifact.extract['.']!;
    await copyFile(archivePath, join(stagingDir, name));
    await chmod(join(stagingDir, name), 0o755);
    return names;
  }
  const unpacked = join(stagingDir, '.unpacked');
  await mkdir(unpacked, { recursive: true });
  const found = new Set<string>();
  try {
    await extractTar({
      file: archivePath,
      cwd: unpacked,
      strict: true,
      filter: (path, entry) => {
        const key = normaliseEntry(path);
        const wanted =
          key in artifact.extract &&
          (!('type' in entry) || entry.type === 'File' || entry.type === 'OldFile');
        if (wanted) found.add(key);
        return wanted;
      },
    });
    const missing = Object.keys(artifact.extract).filter((key) => !found.has(key));
    if (missing.length > 0) throw new ArchiveEntryError(artifact.file, artifact.url, missing);
    for (const [entry, name] of Object.entries(artifact.extract)) {
      await rename(join(unpacked, entry), join(stagingDir, name));
      await chmod(join(stagingDir, name), 0o755);
    }
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
  return names;
}
