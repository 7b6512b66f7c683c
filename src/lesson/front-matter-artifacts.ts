import { conditionProblem, parseCondition } from './conditions.js';
import { own } from './own.js';
import { isObj, str, type Obj, type Report } from './yaml-values.js';
import type { ArtifactSpec, ImageSpec, LessonOption, OptionCondition, SourcePos } from './model.js';

/** `${versions.NAME}` in an artifact's version. */
const VERSION_TEMPLATE = /\$\{versions\.([A-Za-z0-9_-]+)\}/g;

/** An artifact's version with `${versions.NAME}` filled in; an unknown name is left as written. */
export function resolveVersionTemplate(template: string, versions: Record<string, string>): string {
  return template.replace(VERSION_TEMPLATE, (m, k: string) => own(versions, k) ?? m);
}

/**
 * A `when:` of an artifact or image: `option=value`, or a list of them (needed when any holds). Each must
 * name a declared option and one of its values; problems are reported at the entry's `when` key.
 */
function when(
  value: unknown,
  path: string,
  options: Record<string, LessonOption>,
  report: Report,
): OptionCondition[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  const out: OptionCondition[] = [];
  if (items.length === 0) report(path, "'when' lists no OPTION=VALUE (leave it out: always needed)");
  for (const item of items) {
    const text = str(item);
    const condition = text === undefined ? undefined : parseCondition(text);
    if (!condition) {
      report(
        path,
        `when: '${text ?? JSON.stringify(item)}' must be OPTION=VALUE (a list means any of them)`,
        'bad-when',
      );
      continue;
    }
    const problem = conditionProblem(options, condition);
    if (problem) report(path, `when: ${problem}`, 'unknown-option');
    else out.push(condition);
  }
  return out.length > 0 ? out : undefined;
}

/** The `artifacts` list: what `demystify fetch` downloads. */
export function artifacts(
  value: unknown,
  versions: Record<string, string>,
  options: Record<string, LessonOption>,
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
    const where = `artifacts.${i}`;
    const written = str(spec.version) ?? '';
    const version = resolveVersionTemplate(written, versions);
    const extract = isObj(spec.extract)
      ? Object.fromEntries(Object.entries(spec.extract).map(([k, v]) => [k, String(v)]))
      : {};
    for (const key of Object.keys(spec))
      if (!ARTIFACT_KEYS.includes(key))
        report(`${where}.${key}`, `unknown artifact key '${key}' (known: ${ARTIFACT_KEYS.join(', ')})`);
    if (!name || !str(spec.url) || !version)
      report(where, `artifact ${i + 1} needs 'name', 'version' and 'url'`);
    if (version.includes('${'))
      report(`${where}.version`, `artifact '${name}' version '${version}' names an unknown version`);
    if (Object.keys(extract).length === 0)
      report(where, `artifact '${name}' needs 'extract' (archive path: installed name, or '.': name)`);
    const sha = isObj(spec.sha256)
      ? Object.fromEntries(Object.entries(spec.sha256).map(([k, v]) => [k, String(v)]))
      : undefined;
    if (!sha && !str(spec.sha256Url))
      report(where, `artifact '${name}' needs 'sha256Url' or pinned 'sha256' digests`);
    const conditions = when(spec.when, `${where}.when`, options, report);
    out.push({
      name,
      version,
      ...(written !== version ? { versionTemplate: written } : {}),
      url: str(spec.url) ?? '',
      extract,
      pos: keyPos(where),
      ...(str(spec.sha256Url) ? { sha256Url: str(spec.sha256Url) } : {}),
      ...(sha ? { sha256: sha } : {}),
      ...(str(spec.dest) ? { dest: str(spec.dest) } : {}),
      ...(conditions ? { when: conditions } : {}),
    });
  });
  return out;
}

const ARTIFACT_KEYS = ['name', 'version', 'url', 'sha256Url', 'sha256', 'extract', 'dest', 'when'];
const IMAGE_KEYS = ['ref', 'url', 'when'];

/** The `images` list: what an offline bundle carries into containerd. */
export function images(
  value: unknown,
  options: Record<string, LessonOption>,
  keyPos: (p: string) => SourcePos,
  report: Report,
): ImageSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report('images', "'images' must be a list");
    return [];
  }
  return value.map((raw, i) => {
    const spec: Obj = isObj(raw) ? raw : { ref: raw };
    const where = `images.${i}`;
    const ref = str(spec.ref) ?? '';
    if (!ref) report(where, "every image needs a 'ref'");
    for (const key of Object.keys(spec))
      if (!IMAGE_KEYS.includes(key))
        report(`${where}.${key}`, `unknown image key '${key}' (known: ${IMAGE_KEYS.join(', ')})`);
    const conditions = when(spec.when, `${where}.when`, options, report);
    return {
      ref,
      ...(str(spec.url) ? { url: str(spec.url) } : {}),
      ...(conditions ? { when: conditions } : {}),
      pos: keyPos(where),
    };
  });
}
