import { posix } from 'node:path';
import type { ArtifactSpec } from '../../lesson/model.js';
import { DemystifyError, UsageError } from '../../errors.js';
import type { Arch } from './arch.js';

/** An artifact with every template filled in for one architecture and mirror: what the fetcher acts on. */
export interface ResolvedArtifact {
  name: string;
  version: string;
  arch: Arch;
  /** Download URL, mirror applied. */
  url: string;
  /** URL of the published checksum file, mirror applied. */
  sha256Url?: string;
  /** The digest pinned in the lesson for this arch (lower-case hex), if any. */
  pinned?: string;
  /** The file name in the cache: the URL's last path segment. */
  file: string;
  /** Archive entry (normalised, no leading `./`) → installed name; `{'.': name}` for a plain file. */
  extract: Record<string, string>;
  /** Install directory relative to the work directory. */
  dest: string;
  /** Whether the download is a tar archive (by its name). */
  archive: boolean;
}

/** How to resolve: the target architecture, an optional mirror and per-name version overrides. */
export interface ResolveOptions {
  arch: Arch;
  mirror?: string;
  /** `name → version`; an override drops the lesson's pinned digests, which belong to the old version. */
  versions?: Record<string, string>;
}

/** Replace `${version}` and `${arch}` in a template; any other `${...}` is a lesson mistake. */
function expandTemplate(template: string, values: { version: string; arch: string }, where: string): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, key: string) => {
    if (key === 'version') return values.version;
    if (key === 'arch') return values.arch;
    throw new DemystifyError(
      'LESSON_INVALID',
      `${where}: unknown placeholder ${whole} (only \${version} and \${arch})`,
    );
  });
}

/**
 * Rewrite the origin (scheme, host, port) of `url` to the mirror's, keeping the path; a path in the
 * mirror URL is put in front (`http://m/k8s` + `https://dl.k8s.io/v1/x` → `http://m/k8s/v1/x`).
 */
export function applyMirror(url: string, mirror: string | undefined): string {
  if (!mirror) return url;
  let base: URL;
  try {
    base = new URL(mirror);
  } catch {
    throw new UsageError(`--mirror "${mirror}" is not a URL`, { hint: 'e.g. --mirror http://10.0.0.5:8080' });
  }
  const original = new URL(url);
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${original.pathname}${original.search}`;
}

/** Whether a download name is a tar archive the `tar` package can read. */
function isTarArchive(file: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/.test(file);
}

/** An archive path without leading `./` or `/`, as tar listings differ on that. */
export function normaliseEntry(path: string): string {
  const clean = posix.normalize(path.replace(/^(\.\/)+/, '').replace(/^\/+/, ''));
  return clean === '' ? '.' : clean.replace(/\/$/, '');
}

/** Resolve one artifact of a lesson for `options.arch`, checking what can be checked without network. */
export function resolveArtifact(spec: ArtifactSpec, options: ResolveOptions): ResolvedArtifact {
  const where = `artifact ${spec.name}`;
  const override = options.versions?.[spec.name];
  const version = override ?? spec.version;
  const values = { version, arch: options.arch };
  const rawUrl = expandTemplate(spec.url, values, where);
  const url = applyMirror(rawUrl, options.mirror);
  const file = posix.basename(new URL(rawUrl).pathname);
  const pinnedRaw =
    override === undefined || override === spec.version ? spec.sha256?.[options.arch] : undefined;
  const pinned = pinnedRaw?.trim().toLowerCase();
  if (pinned !== undefined && !/^[0-9a-f]{64}$/.test(pinned)) {
    throw new DemystifyError('LESSON_INVALID', `${where}: sha256.${options.arch} is not a sha256 digest`);
  }
  const sha256Url = spec.sha256Url
    ? applyMirror(expandTemplate(spec.sha256Url, values, where), options.mirror)
    : undefined;
  if (!pinned && !sha256Url) {
    throw new DemystifyError('LESSON_INVALID', `${where}: no checksum for ${options.arch} ${version}`, {
      hint:
        override !== undefined
          ? 'the lesson pins digests only for its own version; an override needs a sha256Url in the lesson'
          : 'declare sha256Url or sha256 for it',
    });
  }
  const archive = isTarArchive(file);
  const extract: Record<string, string> = {};
  for (const [entry, name] of Object.entries(spec.extract)) {
    const key = normaliseEntry(expandTemplate(entry, values, where));
    if (!archive && key !== '.') {
      throw new DemystifyError(
        'LESSON_INVALID',
        `${where}: ${file} is not an archive; extract must be { ".": name }`,
      );
    }
    if (name.includes('/') || name === '' || name === '.' || name === '..') {
      throw new DemystifyError(
        'LESSON_INVALID',
        `${where}: install name "${name}" must be a plain file name`,
      );
    }
    extract[key] = name;
  }
  if (Object.keys(extract).length === 0) {
    throw new DemystifyError('LESSON_INVALID', `${where}: extract names nothing to install`);
  }
  const dest = spec.dest ?? 'bin';
  if (posix.isAbsolute(dest) || posix.normalize(dest).startsWith('..')) {
    throw new DemystifyError(
      'LESSON_INVALID',
      `${where}: dest "${dest}" must stay inside the work directory`,
    );
  }
  return {
    name: spec.name,
    version,
    arch: options.arch,
    url,
    sha256Url,
    pinned,
    file,
    extract,
    dest,
    archive,
  };
}

/** The mirror in force: `--mirror`, else `$DEMYSTIFY_MIRROR`, else none (an empty value means none). */
export function mirrorFrom(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const value = option ?? env.DEMYSTIFY_MIRROR;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
