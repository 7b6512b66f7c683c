import { loadLesson } from '../../adapters/lesson-files.js';
import { defaultCacheDir } from '../../adapters/workdir.js';
import { parseArch } from '../../adapters/fetch/arch.js';
import { fetchArtifacts } from '../../adapters/fetch/fetch-artifacts.js';
import { mirrorFrom } from '../../adapters/fetch/resolve.js';
import { UsageError } from '../../errors.js';
import { createProgressRenderer } from '../../ui/progress.js';
import { lessonWorkdir } from '../common.js';
import type { CliIo } from '../context.js';
import type { FetchCommandOptions } from '../commands/fetch.js';

/** Turn `--pin name=version` flags into a map. */
export function parsePins(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values) {
    const match = /^([A-Za-z0-9_.-]+)=([A-Za-z0-9_.+-]+)$/.exec(item);
    if (!match)
      throw new UsageError(`--pin '${item}' must be NAME=VERSION`, { hint: 'e.g. --pin etcd=3.6.8' });
    out[match[1]!] = match[2]!;
  }
  return out;
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
  const lesson = await loadLesson(ref, opts.lang ? { lang: opts.lang } : {});
  const pins = parsePins(opts.pin);
  const unknown = Object.keys(pins).filter(
    (name) => !lesson.artifacts.some((artifact) => artifact.name === name),
  );
  if (unknown.length > 0) {
    throw new UsageError(`--pin names no artifact of ${lesson.id}: ${unknown.join(', ')}`, {
      hint: `artifacts: ${lesson.artifacts.map((artifact) => artifact.name).join(', ') || '(none)'}`,
    });
  }
  const workdir = lessonWorkdir(lesson.id, opts.workdir);
  const cacheDir = opts.cache ?? defaultCacheDir();
  const progress = progressFor(io);
  try {
    const result = await fetchArtifacts(lesson.artifacts, {
      cacheDir,
      workdir: workdir.root,
      arch,
      mirror: mirrorFrom(opts.mirror),
      versions: pins,
      onEvent: progress.onEvent,
    });
    progress.finish();
    const downloaded = result.artifacts.filter((artifact) => artifact.downloaded).length;
    io.stdout(
      `${lesson.id}: ${result.artifacts.length} artifacts for ${arch}, ${downloaded} downloaded, ` +
        `${result.artifacts.length - downloaded} from the cache (${cacheDir}); ` +
        (result.installed.length > 0
          ? `installed ${result.installed.join(', ')} into ${workdir.bin}\n`
          : `${workdir.bin} is up to date\n`),
    );
    return 0;
  } catch (error) {
    progress.finish();
    throw error;
  }
}
