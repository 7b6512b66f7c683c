import { load } from 'js-yaml';
import { setOwn } from './own.js';
import { diagnosticAt, sourceText, type LessonDiagnostic, type SourceText } from './diagnostics.js';
import { artifacts, images } from './front-matter-artifacts.js';
import { isObj, str, type Report } from './yaml-values.js';
import type { Component, Leftovers, Lesson, LessonOption, Probe, SourcePos } from './model.js';
import { parseBudget } from './heading-attributes.js';
import { parseProbe } from './probes.js';
import { yamlLocator } from './yaml-positions.js';

/** The lesson's header: everything the front matter declares. */
export type LessonHeader = Omit<Lesson, 'chapters' | 'file'>;

/** Split `---\nYAML\n---\n` off the top of a lesson. Offsets are 0-based into the text. */
export function splitFrontMatter(text: string): {
  yaml: string | undefined;
  yamlOffset: number;
  bodyOffset: number;
} {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { yaml: undefined, yamlOffset: 0, bodyOffset: 0 };
  return { yaml: m[1] ?? '', yamlOffset: m[0].indexOf('\n') + 1, bodyOffset: m[0].length };
}

const KNOWN_KEYS = new Set([
  'id',
  'title',
  'lang',
  'description',
  'credits',
  'budget',
  'versions',
  'vars',
  'components',
  'chapters',
  'options',
  'artifacts',
  'images',
  'tls',
  'reset',
  'leftovers',
  'isolate',
]);

/** Parse and validate the front matter. Never throws: problems become diagnostics. */
export function parseFrontMatter(
  source: string | SourceText,
  file: string,
): { header: LessonHeader; diagnostics: LessonDiagnostic[]; bodyOffset: number } {
  const text = typeof source === 'string' ? sourceText(source) : source;
  const diagnostics: LessonDiagnostic[] = [];
  const { yaml, yamlOffset, bodyOffset } = splitFrontMatter(text.text);
  const yamlLine = text.text.slice(0, yamlOffset).split('\n').length;
  const locator = yamlLocator(yaml ?? '', file, yamlLine);
  const keyPos = (path: string): SourcePos => locator.key(path);
  const report: Report = (path, message, code = 'front-matter') => {
    diagnostics.push(diagnosticAt(text, keyPos(path), code, message));
  };
  const header: LessonHeader = {
    id: '',
    title: '',
    lang: 'en',
    versions: {},
    vars: {},
    components: {},
    options: {},
    artifacts: [],
    images: [],
    reset: [],
    chapterLevel: 2,
  };
  if (yaml === undefined) {
    diagnostics.push(
      diagnosticAt(
        text,
        { file, line: 1, column: 1 },
        'front-matter',
        'a lesson starts with YAML front matter between --- lines (id, title, ...)',
      ),
    );
    return { header, diagnostics, bodyOffset };
  }
  let data: unknown;
  try {
    data = load(yaml) ?? {};
  } catch (error) {
    const mark = (error as { mark?: { line: number; column: number } }).mark;
    const pos = { file, line: yamlLine + (mark?.line ?? 0), column: (mark?.column ?? 0) + 1 };
    const reason = (error as { reason?: string }).reason ?? (error as Error).message;
    diagnostics.push(diagnosticAt(text, pos, 'yaml', `invalid YAML in front matter: ${reason}`));
    return { header, diagnostics, bodyOffset };
  }
  if (!isObj(data)) {
    report('', 'front matter must be a YAML mapping');
    return { header, diagnostics, bodyOffset };
  }
  for (const key of Object.keys(data))
    if (!KNOWN_KEYS.has(key)) report(key, `unknown front matter key '${key}'`);
  header.id = str(data.id) ?? '';
  if (!header.id) report('', "front matter needs an 'id'");
  else if (!/^[a-z0-9][a-z0-9._-]*$/.test(header.id))
    report('id', `id '${header.id}' must be lower-case letters, digits, '.', '_' or '-'`);
  header.title = str(data.title) ?? '';
  if (!header.title) report('', "front matter needs a 'title'");
  header.lang = str(data.lang) ?? 'en';
  for (const key of ['description', 'credits'] as const)
    if (data[key] !== undefined) header[key] = str(data[key]) ?? '';
  if (data.budget !== undefined) {
    const ms =
      typeof data.budget === 'string' || typeof data.budget === 'number'
        ? parseBudget(String(data.budget))
        : undefined;
    if (ms === undefined)
      report('budget', `budget '${String(data.budget)}' must be a duration like 45m, 1h or 1h15m`);
    else header.budgetMs = ms;
  }
  header.versions = stringMap(data.versions, 'versions', report);
  header.vars = stringMap(data.vars, 'vars', report);
  const level = isObj(data.chapters) ? data.chapters.level : data.chapters;
  if (level !== undefined) {
    if (typeof level === 'number' && Number.isInteger(level) && level >= 1 && level <= 6)
      header.chapterLevel = level;
    else report('chapters', "'chapters' is the heading level that starts a chapter: 1 to 6");
  }
  header.components = components(data.components, file, keyPos, report);
  header.options = options(data.options, report);
  header.artifacts = artifacts(data.artifacts, header.versions, header.options, keyPos, report);
  header.images = images(data.images, header.options, keyPos, report);
  if (data.tls !== undefined) {
    const tls = stringMap(data.tls, 'tls', report);
    if (!tls.ca) report('tls', "'tls' needs at least 'ca' (a path relative to the work directory)");
    else
      header.tls = {
        ca: tls.ca,
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
      };
  }
  if (data.reset !== undefined) {
    if (Array.isArray(data.reset) && data.reset.every((r) => typeof r === 'string'))
      header.reset = data.reset;
    else report('reset', "'reset' is a list of paths");
  }
  if (data.leftovers !== undefined) header.leftovers = leftovers(data.leftovers, report);
  if (data.isolate !== undefined) {
    const iso = isObj(data.isolate) ? data.isolate : { enabled: data.isolate };
    header.isolate = {
      enabled: iso.enabled === true,
      ...(str(iso.address) ? { address: str(iso.address) } : {}),
    };
  }
  return { header, diagnostics, bodyOffset };
}

function stringMap(value: unknown, path: string, report: Report): Record<string, string> {
  if (value === undefined) return {};
  if (!isObj(value)) {
    report(path, `'${path}' must be a mapping of names to values`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = str(v);
    if (s === undefined) report(`${path}.${k}`, `'${path}.${k}' must be a string or a number`);
    else setOwn(out, k, s);
  }
  return out;
}

function components(
  value: unknown,
  file: string,
  keyPos: (p: string) => SourcePos,
  report: Report,
): Record<string, Component> {
  const out: Record<string, Component> = {};
  if (value === undefined) return out;
  if (!isObj(value)) {
    report('components', "'components' must be a mapping of component names");
    return out;
  }
  for (const [name, raw] of Object.entries(value)) {
    const spec = isObj(raw) ? raw : {};
    if (raw !== null && !isObj(raw))
      report(`components.${name}`, `component '${name}' must be a mapping (session, ready)`);
    for (const key of Object.keys(spec)) {
      if (!['session', 'ready', 'description'].includes(key))
        report(`components.${name}.${key}`, `unknown component key '${key}'`);
    }
    const ready: Probe[] = [];
    const readyList = spec.ready === undefined ? [] : Array.isArray(spec.ready) ? spec.ready : [spec.ready];
    for (const r of readyList) {
      const probe = parseProbe(String(r));
      if ('error' in probe) report(`components.${name}.ready`, probe.error);
      else ready.push(probe);
    }
    setOwn(out, name, {
      name,
      session: str(spec.session) ?? name,
      ready,
      ...(str(spec.description) ? { description: str(spec.description) } : {}),
      pos: { ...keyPos(`components.${name}`), file },
    });
  }
  return out;
}

function options(value: unknown, report: Report): Record<string, LessonOption> {
  const out: Record<string, LessonOption> = {};
  if (value === undefined) return out;
  if (!isObj(value)) {
    report('options', "'options' must be a mapping of option names");
    return out;
  }
  for (const [name, raw] of Object.entries(value)) {
    const spec = isObj(raw) ? raw : {};
    const values = Array.isArray(spec.values) ? spec.values.map(String) : [];
    const def = str(spec.default) ?? values[0] ?? '';
    if (values.length === 0) report(`options.${name}`, `option '${name}' needs a list of 'values'`);
    else if (!values.includes(def))
      report(`options.${name}.default`, `option '${name}' default '${def}' is not one of its values`);
    setOwn(out, name, {
      name,
      values,
      default: def,
      ...(str(spec.description) ? { description: str(spec.description) } : {}),
    });
  }
  return out;
}

/** `leftovers: { kubelet: DIR, containerd: { address: SOCKET, state: DIR }, cni: NETWORK }`. */
function leftovers(value: unknown, report: Report): Leftovers | undefined {
  if (!isObj(value)) {
    report('leftovers', "'leftovers' is a map: kubelet, containerd { address, state }, cni");
    return undefined;
  }
  const out: Leftovers = {};
  for (const key of Object.keys(value))
    if (!['kubelet', 'containerd', 'cni'].includes(key))
      report(`leftovers.${key}`, `unknown key '${key}' in 'leftovers' (kubelet, containerd, cni)`);
  if (value.kubelet !== undefined) out.kubelet = str(value.kubelet) ?? '';
  if (value.cni !== undefined) out.cniNetwork = str(value.cni) ?? '';
  if (value.containerd !== undefined) {
    const c = isObj(value.containerd) ? value.containerd : {};
    const address = str(c.address);
    const state = str(c.state);
    if (!address || !state || !address.startsWith('/') || !state.startsWith('/'))
      report('leftovers.containerd', "'leftovers.containerd' needs absolute 'address' and 'state' paths");
    else out.containerd = { address, state };
  }
  return out;
}
