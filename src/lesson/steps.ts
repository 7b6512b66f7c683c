import type { AttributeEntry } from './attributes.js';
import { parseWhenAttribute } from './conditions.js';
import type { Expectation, Probe, Step } from './model.js';
import { parseDuration, parseExpectation, parseProbe } from './probes.js';

/** Every attribute a step may carry; anything else is an error. */
const STEP_ATTRIBUTES = [
  'name',
  'session',
  'ready',
  'expect',
  'check',
  'timeout',
  'sudo',
  'interactive',
  'background',
  'excludeFromRunAll',
  'when',
  'verify',
  'failcheck',
] as const;

const BOOLEAN = new Set(['check', 'sudo', 'interactive', 'background', 'excludeFromRunAll']);
const REPEATABLE = new Set(['ready', 'verify', 'failcheck']);

/** A problem with one attribute: which entry, and what is wrong. */
export interface StepProblem {
  entry: AttributeEntry | undefined;
  message: string;
  code: string;
}

/** Turn attribute entries into a step's fields. Pure; problems are returned, not thrown. */
export function buildStepFields(entries: AttributeEntry[]): {
  fields: Omit<Step, 'name' | 'chapterId' | 'code' | 'lang' | 'pos'> & { name?: string };
  problems: StepProblem[];
} {
  const problems: StepProblem[] = [];
  const attributes: Record<string, string> = {};
  const ready: Probe[] = [];
  let expect: Expectation = {};
  const fields: ReturnType<typeof buildStepFields>['fields'] = {
    ready,
    expect,
    check: false,
    sudo: false,
    interactive: false,
    background: false,
    excludeFromRunAll: false,
    attributes,
  };
  for (const entry of entries) {
    const { key, value } = entry;
    if (!(STEP_ATTRIBUTES as readonly string[]).includes(key)) {
      problems.push({
        entry,
        code: 'unknown-attribute',
        message: `unknown attribute '${key}' (known: ${STEP_ATTRIBUTES.join(', ')})`,
      });
      continue;
    }
    if (key in attributes && !REPEATABLE.has(key)) {
      problems.push({ entry, code: 'duplicate-attribute', message: `attribute '${key}' is given twice` });
      continue;
    }
    attributes[key] = key in attributes ? `${attributes[key]}\n${value}` : value;
    if (BOOLEAN.has(key)) {
      if (value !== 'true' && value !== 'false') {
        problems.push({ entry, code: 'bad-attribute', message: `'${key}' is true or false, not '${value}'` });
      } else (fields as unknown as Record<string, boolean>)[key] = value === 'true';
      continue;
    }
    switch (key) {
      case 'name':
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
          problems.push({
            entry,
            code: 'bad-attribute',
            message: `step name '${value}' may only use letters, digits, '.', '_' and '-'`,
          });
        } else fields.name = value;
        break;
      case 'session':
        if (!value) problems.push({ entry, code: 'bad-attribute', message: "'session' names a component" });
        else fields.session = value;
        break;
      case 'ready': {
        const probe = parseProbe(value);
        if ('error' in probe) problems.push({ entry, code: 'bad-probe', message: probe.error });
        else ready.push(probe);
        break;
      }
      case 'verify':
      case 'failcheck': {
        const probe = parseProbe(value);
        if ('error' in probe) problems.push({ entry, code: 'bad-probe', message: probe.error });
        else (fields[key] ??= []).push(probe);
        break;
      }
      case 'expect': {
        const parsed = parseExpectation(value);
        if ('error' in parsed) problems.push({ entry, code: 'bad-expect', message: parsed.error });
        else expect = fields.expect = { ...expect, ...parsed };
        break;
      }
      case 'timeout': {
        const ms = parseDuration(value);
        if (ms === undefined || ms <= 0)
          problems.push({
            entry,
            code: 'bad-attribute',
            message: `timeout '${value}' must be like 30s, 500ms or 2m`,
          });
        else fields.timeoutMs = ms;
        break;
      }
      case 'when': {
        const conditions = parseWhenAttribute(value);
        if (!conditions)
          problems.push({
            entry,
            code: 'bad-attribute',
            message: `when='${value}' must be OPTION=VALUE or OPTION=VALUE|VALUE`,
          });
        else fields.when = conditions;
        break;
      }
    }
  }
  return { fields, problems };
}
