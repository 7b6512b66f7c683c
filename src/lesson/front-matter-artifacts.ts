import { isObj, str, type Obj, type Report } from './yaml-values.js';
import type { ArtifactSpec, ImageSpec, SourcePos } from './model.js';

/** The `artifacts` list: what `demystify fetch` downloads. */
export function artifacts(
  value: unknown,
  versions: Record<string, string>,
  keyPos: (p: string) => SourcePos,
  report: Report,
): ArtifactSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report('artifacts', "'artifacts' must be a list");
    return [];
  }
  const out: ArtifactSpec[] = [];
  value.forEach((raw, i) => {
    const spec = isObj(raw) ? raw : {};
    const name = str(spec.name) ?? '';
    const where = `artifacts`;
    const version = (str(spec.version) ?? '').replace(
      /\$\{versions\.([A-Za-z0-9_-]+)\}/g,
      (m, k: string) => versions[k] ?? m,
    );
    const extract = isObj(spec.extract)
      ? Object.fromEntries(Object.entries(spec.extract).map(([k, v]) => [k, String(v)]))
      : {};
    if (!name || !str(spec.url) || !version)
      report(where, `artifact ${i + 1} needs 'name', 'version' and 'url'`);
    if (version.includes('${'))
      report(where, `artifact '${name}' version '${version}' names an unknown version`);
    if (Object.keys(extract).length === 0)
      report(where, `artifact '${name}' needs 'extract' (archive path: installed name, or '.': name)`);
    const sha = isObj(spec.sha256)
      ? Object.fromEntries(Object.entries(spec.sha256).map(([k, v]) => [k, String(v)]))
      : undefined;
    if (!sha && !str(spec.sha256Url))
      report(where, `artifact '${name}' needs 'sha256Url' or pinned 'sha256' digests`);
    out.push({
      name,
      version,
      url: str(spec.url) ?? '',
      extract,
      pos: keyPos(where),
      ...(str(spec.sha256Url) ? { sha256Url: str(spec.sha256Url) } : {}),
      ...(sha ? { sha256: sha } : {}),
      ...(str(spec.dest) ? { dest: str(spec.dest) } : {}),
    });
  });
  return out;
}

/** The `images` list: what an offline bundle carries into containerd. */
export function images(value: unknown, keyPos: (p: string) => SourcePos, report: Report): ImageSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report('images', "'images' must be a list");
    return [];
  }
  return value.map((raw) => {
    const spec: Obj = isObj(raw) ? raw : { ref: raw };
    const ref = str(spec.ref) ?? '';
    if (!ref) report('images', "every image needs a 'ref'");
    return { ref, ...(str(spec.url) ? { url: str(spec.url) } : {}), pos: keyPos('images') };
  });
}
