import { defaultCacheDir } from '../../adapters/workdir/workdir.js';
import { parseArch } from '../../adapters/fetch/arch.js';
import { fetchArtifacts } from '../../adapters/fetch/fetch-artifacts.js';
import { mirrorFrom } from '../../adapters/fetch/resolve.js';
import { createProgressRenderer } from '../../ui/progress/progress.js';
import { lessonWorkdir } from '../common.js';
import type { CliIo } from '../context.js';
import { inEffect, lessonFor, pinsLine, skippedLine } from './in-effect.js';

/** Options of `demystify fetch`. */
export interface FetchCommandOptions {
  arch?: string;
  mirror?: string;
  cache?: string;
  workdir?: string;
  set?: string[];
  pin?: string[];
  lang?: string;
}

/** A progress renderer on stderr: live bars when both stdout and stderr are terminals, plain lines otherwise. */
export function progressFor(io: CliIo): ReturnType<typeof createProgressRenderer> {
  return createProgressRenderer({
    write: io.stderr,
    tty: io.isTTY && Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
  });
}

/** `demystify fetch`: fill the cache and install the lesson's binaries; prints a summary on stdout. */
export async function runFetch(
  ref: string | undefined,
  opts: FetchCommandOptions,
  io: CliIo,
): Promise<number> {
  const arch = parseArch(opts.arch);
  const lesson = await lessonFor(ref, opts);
  const workdir = lessonWorkdir(lesson.id, opts.workdir);
  const effect = await inEffect(lesson, workdir.root, opts);
  const cacheDir = opts.cache ?? defaultCacheDir();
  const progress = progressFor(io);
  try {
    const result = await fetchArtifacts(effect.artifacts, {
      cacheDir,
      workdir: workdir.root,
      arch,
      mirror: mirrorFrom(opts.mirror),
      versions: effect.artifactOverrides,
      onEvent: progress.onEvent,
    });
    progress.finish();
    const downloaded = result.artifacts.filter((artifact) => artifact.downloaded).length;
    io.stdout(
      `${lesson.id}: ${result.artifacts.length} artifacts for ${arch}, ${downloaded} downloaded, ` +
        `${result.artifacts.length - downloaded} from the cache (${cacheDir}); ` +
        (result.installed.length > 0
          ? `installed ${result.installed.join(', ')} into ${workdir.bin}\n`
          : `${workdir.bin} is up to date\n`) +
        pinsLine(effect.pins) +
        skippedLine(effect.skipped),
    );
    return 0;
  } catch (error) {
    progress.finish();
    throw error;
  }
}
