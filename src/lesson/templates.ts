import type { Lesson } from './model.js';
import { own } from './own.js';

/**
 * Lesson templates are always namespaced — `${versions.NAME}`, `${vars.NAME}`, `${options.NAME}`,
 * `${lesson.workdir}`, `${node.ip}` — so the shell's own `$VAR` and `${VAR}` pass through untouched.
 */
export const TEMPLATE = /\$\{([A-Za-z]+)\.([A-Za-z0-9_-]+)\}/g;

/** The namespaces a template may use, and the keys the engine provides for the fixed ones. */
export const TEMPLATE_NAMESPACES: Record<string, readonly string[] | 'lesson-map'> = {
  versions: 'lesson-map',
  vars: 'lesson-map',
  options: 'lesson-map',
  lesson: ['workdir', 'bin', 'id', 'logs', 'lang'],
  node: ['ip', 'name'],
};

/** Values to substitute, by namespace then key. */
export type TemplateContext = Record<string, Record<string, string>>;

/** Where a lesson's templates are resolved: its work directory, node, versions in force and options. */
export interface TemplatePlace {
  workdir: string;
  /** Where the binaries are; `${workdir}/bin` when not said. */
  bin?: string;
  node?: { ip?: string; name?: string };
  /** The versions in force; the lesson's own when not said. */
  versions?: Record<string, string>;
  options: Record<string, string>;
}

/** The one builder of a lesson's template values, shared by the plan and the lint rules. */
export function lessonTemplateContext(lesson: Lesson, place: TemplatePlace): TemplateContext {
  return {
    versions: place.versions ?? lesson.versions,
    vars: lesson.vars,
    options: place.options,
    lesson: {
      workdir: place.workdir,
      bin: place.bin ?? `${place.workdir}/bin`,
      id: lesson.id,
      logs: `${place.workdir}/logs`,
      lang: lesson.lang,
    },
    node: { ip: place.node?.ip ?? '127.0.0.1', name: place.node?.name ?? 'node' },
  };
}

/** One template occurrence found in a text. */
export interface TemplateUse {
  namespace: string;
  key: string;
  /** 0-based offset in the text. */
  offset: number;
  raw: string;
}

/** Every template in a text. */
export function findTemplates(text: string): TemplateUse[] {
  return [...text.matchAll(TEMPLATE)].map((m) => ({
    namespace: m[1] ?? '',
    key: m[2] ?? '',
    offset: m.index ?? 0,
    raw: m[0],
  }));
}

/**
 * The value of `${ns.key}` in a context, or undefined. Own entries only: `${vars.constructor}` resolves to
 * nothing, not to `function Object()`.
 */
export function templateValue(context: TemplateContext, ns: string, key: string): string | undefined {
  const values = own(context, ns);
  return values === undefined ? undefined : own(values, key);
}

/** Substitute every template that the context knows; unknown ones are left as written (lint reports them). */
export function resolveTemplates(text: string, context: TemplateContext): string {
  return text.replace(TEMPLATE, (raw, ns: string, key: string) => templateValue(context, ns, key) ?? raw);
}

/** A text with every regular expression metacharacter escaped, so that it matches itself. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Substitute templates inside a regular expression (an `expect='output=/…/'` or a `log:/…/` probe): each
 * value is escaped, so `${versions.kubernetes}` = `1.28.7` becomes `1\.28\.7` and matches only itself.
 */
export function resolveRegexTemplates(pattern: string, context: TemplateContext): string {
  return pattern.replace(TEMPLATE, (raw, ns: string, key: string) => {
    const value = templateValue(context, ns, key);
    return value === undefined ? raw : escapeRegex(value);
  });
}
