import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { ChecksumSourceError } from './errors.js';
import { fetchText, type FetchLike } from './http.js';
import type { ResolvedArtifact } from './resolve.js';

/** The sha256 of a file, lower-case hex, streamed (release archives run to hundreds of megabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Find `file`'s digest in a checksum file. Accepts the shapes releases publish: a `SHA256SUMS` list
 * (`<hex>  name` or `<hex> *name`, names possibly with a directory), a `.sha256sum` with one such line,
 * and a bare `.sha256` holding only the digest (dl.k8s.io). Returns undefined when the file is not listed.
 */
export function parseChecksumFile(text: string, file: string): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const entries: { digest: string; name?: string }[] = [];
  for (const line of lines) {
    const match = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line);
    if (match) entries.push({ digest: match[1]!.toLowerCase(), name: match[2]?.trim() });
  }
  const named = entries.find((entry) => entry.name !== undefined && posix.basename(entry.name) === file);
  if (named) return named.digest;
  // A single bare digest is the checksum of the file it sits beside.
  if (entries.length === 1 && entries[0]!.name === undefined) return entries[0]!.digest;
  return undefined;
}

/** The digest a download must have, and a phrase saying where it came from (for messages). */
export interface ExpectedDigest {
  sha256: string;
  source: string;
}

/**
 * Work out the expected sha256 of an artifact: the published checksum file and/or the digest pinned in
 * the lesson. When both exist they must agree, since a disagreement means the lesson or the mirror is wrong.
 */
export async function expectedDigest(
  artifact: ResolvedArtifact,
  fetch: FetchLike,
  sleep?: (ms: number) => Promise<void>,
): Promise<ExpectedDigest> {
  const { file, url, pinned, sha256Url } = artifact;
  if (!sha256Url) return { sha256: pinned!, source: 'pinned in the lesson' };
  const checksumName = posix.basename(new URL(sha256Url).pathname);
  const text = await fetchText(sha256Url, `${checksumName} (checksums of ${file})`, fetch, {
    ...(sleep ? { sleep } : {}),
  });
  const published = parseChecksumFile(text, file);
  if (!published) {
    throw new ChecksumSourceError(
      file,
      url,
      `${sha256Url} lists no sha256 for ${file}`,
      "check the lesson's sha256Url for this version and architecture",
    );
  }
  if (pinned && pinned !== published) {
    throw new ChecksumSourceError(
      file,
      url,
      `the digest pinned in the lesson (${pinned}) differs from the published one in ${sha256Url} (${published})`,
      'the lesson pin or the mirror is wrong; nothing was downloaded or installed',
    );
  }
  return { sha256: published, source: pinned ? `${sha256Url}, and pinned in the lesson` : sha256Url };
}
