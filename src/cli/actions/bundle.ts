import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadLesson } from '../../adapters/lessons/lesson-files.js';
import { defaultCacheDir } from '../../adapters/workdir/workdir.js';
import { parseArch } from '../../adapters/fetch/arch.js';
import { defaultDownloadDeps } from '../../adapters/fetch/download.js';
import { mirrorFrom } from '../../adapters/fetch/resolve.js';
import { containerdAnswers, ctrRunner, lessonContainerdAddress } from '../../adapters/bundle/containerd.js';
import { createBundle } from '../../adapters/bundle/create.js';
import { cacheImage, imageRelPath, importImages } from '../../adapters/bundle/images.js';
import { readVerified } from '../../adapters/fetch/cache.js';
import { loadBundle } from '../../adapters/bundle/load.js';
import { formatBytes } from '../../ui/progress/progress-format.js';
import { lessonWorkdir } from '../common.js';
import type { CliIo } from '../context.js';
import { progressFor } from './fetch.js';
import { inEffect, lessonFor, pinsLine, skippedLine } from './in-effect.js';

/** Options of `demystify bundle create`. */
export interface BundleCreateOptions {
  arch?: string;
  mirror?: string;
  cache?: string;
  set?: string[];
  pin?: string[];
  address?: string;
  lang?: string;
}

/** Options of `demystify bundle load`. */
export interface BundleLoadOptions {
  cache?: string;
  workdir?: string;
  address?: string;
  snapshotter?: string;
  images: boolean;
}

/** Options of `demystify bundle images`. */
export interface BundleImagesOptions {
  address?: string;
  arch?: string;
  cache?: string;
  mirror?: string;
  workdir?: string;
  set?: string[];
  snapshotter?: string;
  lang?: string;
}

/** The lesson's own `ctr` (from its containerd release) when installed, else the one on PATH. */
async function ctrPath(workdirBin: string | undefined): Promise<string> {
  if (workdirBin) {
    const candidate = join(workdirBin, 'ctr');
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return 'ctr';
}

/** `demystify bundle create FILE [LESSON]`. */
export async function runBundleCreate(
  file: string,
  ref: string | undefined,
  opts: BundleCreateOptions,
  io: CliIo,
): Promise<number> {
  const arch = parseArch(opts.arch);
  const lesson = await loadLesson(ref, opts.lang ? { lang: opts.lang } : {});
  // No work directory: a bundle is made on another machine, for the options given here.
  const effect = await inEffect(lesson, undefined, opts);
  const progress = progressFor(io);
  try {
    const created = await createBundle({
      file,
      lesson: { id: lesson.id, artifacts: effect.artifacts, images: effect.images },
      cacheDir: opts.cache ?? defaultCacheDir(),
      arch,
      mirror: mirrorFrom(opts.mirror),
      versions: effect.artifactOverrides,
      ctr: opts.address ? ctrRunner(opts.address, await ctrPath(undefined)) : undefined,
      onEvent: progress.onEvent,
    });
    progress.finish();
    const { manifest } = created;
    io.stdout(
      `wrote ${file} (${formatBytes(created.size)}): ${manifest.artifacts.length} release files and ` +
        `${manifest.images.length} images of ${lesson.id} for ${arch}\n` +
        pinsLine(effect.pins) +
        skippedLine(effect.skipped) +
        `on the offline machine: demystify bundle load ${file}\n`,
    );
    return 0;
  } finally {
    progress.finish();
  }
}

/** `demystify bundle load FILE`: cache, bin/, then images if containerd answers. */
export async function runBundleLoad(file: string, opts: BundleLoadOptions, io: CliIo): Promise<number> {
  const progress = progressFor(io);
  const cacheDir = opts.cache ?? defaultCacheDir();
  let loaded;
  try {
    loaded = await loadBundle({
      file,
      cacheDir,
      workdir: (lessonId) => lessonWorkdir(lessonId, opts.workdir).root,
      onEvent: progress.onEvent,
    });
  } finally {
    progress.finish();
  }
  const { manifest } = loaded;
  // The bundle's lesson, when this demystify knows it by id, says where its containerd listens.
  const address =
    opts.address ??
    lessonContainerdAddress(
      await loadLesson(manifest.lesson).then(
        (l) => l.components,
        () => undefined,
      ),
    );
  io.stdout(
    `loaded ${file}: ${manifest.artifacts.length} release files of ${manifest.lesson} (${manifest.arch}) into ${cacheDir}; ` +
      (loaded.installed.length > 0
        ? `installed ${loaded.installed.join(', ')} into ${loaded.workdir}\n`
        : `${loaded.workdir} is up to date\n`),
  );
  if (manifest.images.length === 0 || !opts.images) return 0;
  const ctr = ctrRunner(address, await ctrPath(join(loaded.workdir, 'bin')));
  if (!(await containerdAnswers(ctr))) {
    io.stdout(
      `${manifest.images.length} images kept in the cache; containerd does not answer at ${address} yet.\n` +
        `once it runs: demystify bundle images ${manifest.lesson} --address ${address}\n`,
    );
    return 0;
  }
  const report = await importImages(loaded.images, ctr, manifest.arch, opts.snapshotter);
  io.stdout(importSummary(report, address));
  return 0;
}

function importSummary(report: { imported: string[]; present: string[] }, address: string): string {
  const lines = report.imported.map((ref) => `imported ${ref} into k8s.io at ${address}\n`);
  if (report.present.length > 0) lines.push(`already in containerd: ${report.present.join(', ')}\n`);
  return lines.join('');
}

/**
 * The cache to take images from. A lesson step runs `bundle images` under sudo, where the cache is
 * root's, while the learner loaded the bundle into their own: then the invoking user's cache is used if
 * it holds every image and root's does not.
 */
async function cacheWithImages(images: { ref: string }[], arch: string): Promise<string> {
  const own = defaultCacheDir();
  const user = process.env.SUDO_USER;
  if (!user || user === 'root' || images.length === 0) return own;
  const holds = async (dir: string): Promise<boolean> =>
    (await Promise.all(images.map((i) => readVerified(join(dir, imageRelPath(i.ref, arch)))))).every(Boolean);
  if (await holds(own)) return own;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const home = passwd
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === user)?.[5];
  const theirs = home ? join(home, '.cache', 'demystify') : undefined;
  return theirs && (await holds(theirs)) ? theirs : own;
}

/** `demystify bundle images [LESSON]`: import the lesson's images from the cache (downloading those with a url). */
export async function runBundleImages(
  ref: string | undefined,
  opts: BundleImagesOptions,
  io: CliIo,
): Promise<number> {
  const arch = parseArch(opts.arch);
  const lesson = await lessonFor(ref, opts);
  const workdir = lessonWorkdir(lesson.id, opts.workdir);
  const { images: needed } = await inEffect(lesson, workdir.root, opts);
  const cacheDir = opts.cache ?? (await cacheWithImages(needed, arch));
  const address = opts.address ?? lessonContainerdAddress(lesson.components);
  const ctr = ctrRunner(address, await ctrPath(workdir.bin));
  const missingHint =
    'load the bundle first (demystify bundle load FILE), or let the kubelet pull from registries';
  const progress = progressFor(io);
  const images = [];
  try {
    for (const image of needed) {
      images.push(
        await cacheImage(
          image,
          { cacheDir, arch, mirror: mirrorFrom(opts.mirror), onEvent: progress.onEvent, missingHint },
          defaultDownloadDeps,
        ),
      );
    }
  } finally {
    progress.finish();
  }
  if (images.length === 0) {
    io.stdout(
      lesson.images.length === 0
        ? `${lesson.id} declares no images\n`
        : `${lesson.id} needs none of its images with these options\n`,
    );
    return 0;
  }
  io.stdout(importSummary(await importImages(images, ctr, arch, opts.snapshotter), address));
  return 0;
}
