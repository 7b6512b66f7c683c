import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, resolveOptions } from '../../src/engine/plan.js';
import { resolvePins } from '../../src/engine/versions.js';
import { UsageError } from '../../src/errors.js';
import { conditionProblem, whenHolds } from '../../src/lesson/conditions.js';
import { resolveVersionTemplate } from '../../src/lesson/front-matter-artifacts.js';
import { lintLesson } from '../../src/lesson/lint.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { LINT_RULES } from '../../src/lesson/rules/index.js';
import { resolveRegexTemplates, resolveTemplates } from '../../src/lesson/templates.js';
import { templateProblem } from '../../src/lesson/validate.js';

/** Names that every plain object answers through its prototype. */
const INHERITED = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__'];

const base = `---
id: own
title: Own names
vars: { port: "2379" }
versions: { kubernetes: "1.36.0" }
components:
  etcd: {}
options:
  network: { values: [bridge, calico] }
---

## A
`;

for (const name of INHERITED) {
  test(`'${name}' looked up in a lesson's maps finds nothing`, () => {
    const context = { vars: { port: '2379' }, versions: {}, options: {} };
    assert.equal(resolveTemplates(`\${vars.${name}}`, context), `\${vars.${name}}`);
    assert.equal(resolveTemplates(`\${${name}.x}`, context), `\${${name}.x}`);
    assert.equal(resolveRegexTemplates(`v\${vars.${name}}`, context), `v\${vars.${name}}`);
    assert.equal(resolveVersionTemplate(`\${versions.${name}}`, {}), `\${versions.${name}}`);

    const text = `${base}\`\`\`bash { name=a session=${name} when=${name}=x }\necho \${vars.${name}} \${${name}.x}\n\`\`\`\n`;
    const { lesson, diagnostics, ok } = parseLesson(text, 'own.md');
    assert.equal(ok, false);
    // `${__proto__.x}` is no template at all: a namespace is letters only.
    const namespace = /^[A-Za-z]+$/.test(name);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['unknown-session', 'unknown-option', 'unknown-template', ...(namespace ? ['unknown-template'] : [])],
    );
    assert.match(templateProblem(lesson, 'vars', name) ?? '', /resolves to nothing/);
    assert.match(templateProblem(lesson, name, 'x') ?? '', /unknown template namespace/);
    assert.match(conditionProblem(lesson.options, { option: name, value: 'x' }) ?? '', /no lesson option/);
    assert.equal(whenHolds([{ option: name, value: 'x' }], {}), false);
    // The plan invents no component: the step would be typed into the lesson's shell, as lint reports.
    const step = buildPlan(lesson, { workdir: '/w', options: {} }).steps[0];
    assert.equal(step, undefined, 'when= holds for no option value');
    const unfiltered = parseLesson(
      `${base}\`\`\`bash { name=a session=${name} }\necho \${vars.${name}}\n\`\`\`\n`,
      'own.md',
    ).lesson;
    const planned = buildPlan(unfiltered, { workdir: '/w' }).steps[0];
    assert.equal(planned?.component, undefined);
    assert.equal(planned?.session, 'shell');
    assert.equal(planned?.command, `echo \${vars.${name}}`);
    // Command-line names are checked against own entries too.
    const set = JSON.parse(`{"${name}": "x"}`) as Record<string, string>;
    assert.throws(() => resolveOptions(lesson, set), UsageError);
    assert.throws(() => resolvePins(lesson, set), UsageError);
  });
}

test('a lesson may use these names for its own entries, and then they resolve', () => {
  const text = `---
id: own
title: Own names
vars: { __proto__: x, constructor: y }
versions: { toString: "1.0" }
components:
  constructor: { session: ctor }
options:
  __proto__: { values: [a, b] }
---

## A
\`\`\`bash { name=a session=constructor when=__proto__=b }
echo \${vars.__proto__} \${vars.constructor} \${versions.toString} \${options.__proto__}
\`\`\`
`;
  const { lesson, diagnostics } = parseLesson(text, 'own.md');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(Object.keys(lesson.vars), ['__proto__', 'constructor']);
  const plan = buildPlan(lesson, {
    workdir: '/w',
    options: JSON.parse('{"__proto__":"b"}') as Record<string, string>,
  });
  assert.deepEqual(
    plan.steps.map((s) => [s.session, s.component, s.command]),
    [['ctor', 'constructor', 'echo x y 1.0 b']],
  );
  assert.deepEqual(
    resolvePins(lesson, JSON.parse('{"toString":"2.0"}') as Record<string, string>),
    JSON.parse('{"toString":{"version":"2.0","lesson":"1.0"}}'),
  );
});

test('lint rules look programs up by own names: a step running `constructor` or `toString` is no crash', () => {
  const text = `${base}\`\`\`bash { name=a }\ntoString get pods; constructor --cluster-cidr=10.0.0.0/8; hasOwnProperty x\n\`\`\`\n`;
  const { lesson } = parseLesson(text, 'own.md');
  assert.deepEqual(lintLesson(lesson, text, LINT_RULES), []);
});
