import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  quoteForShell,
  resolveShellTemplates,
  shellTemplates,
  type ShellPlace,
} from '../../src/lesson/shell-templates.js';
import type { TemplateContext } from '../../src/lesson/templates.js';

const W = '${lesson.workdir}';

/** Where a template stands in shell code: one row per construct. */
const places: [string, ShellPlace[]][] = [
  [`cd ${W}`, ['word']],
  [`export KUBECONFIG=${W}/admin.conf`, ['word']],
  [`kubelet --root-dir=${W}/kubelet --node-ip=\${node.ip}`, ['word', 'word']],
  [`echo "${W}/x"`, ['double']],
  [`echo '${W}'`, ['single']],
  [`echo $'${W}'`, ['ansi']],
  [`echo "a $(ls ${W}) b"`, ['word']],
  [`echo "a $(echo "${W}") b"`, ['double']],
  [`echo \`ls ${W}\``, ['word']],
  [`echo $((1 + 2)) ${W}`, ['word']],
  [`echo $(cd ${W} && (ls)) ${W}`, ['word', 'word']],
  [`echo \\${W}`, ['escaped']],
  [`echo it\\'s ${W}`, ['word']],
  [`ls # see ${W}`, ['comment']],
  [`echo a#b ${W}`, ['word']],
  [`cat > f <<EOF\nroot: ${W}\nEOF\nls ${W}`, ['heredoc-expanded', 'word']],
  [`cat > f <<\\EOF\nroot: ${W}\nEOF`, ['heredoc']],
  [`cat > f <<'EOF'\ndir = '${W}/x'\nEOF`, ['heredoc']],
  [`cat > f <<-"END"\n\tpath "${W}"\n\tEND\necho ${W}`, ['heredoc', 'word']],
  [`cat <<A <<'B'\n${W}\nA\n${W}\nB\n${W}`, ['heredoc-expanded', 'heredoc', 'word']],
  [`grep x <<< ${W}`, ['word']],
  [`echo "${W}" '${W}' ${W}`, ['double', 'single', 'word']],
  [`echo "it's" ${W}`, ['word']],
  [`echo 'say "hi"' ${W}`, ['word']],
];
for (const [code, expected] of places) {
  test(`the place of a template: ${JSON.stringify(code)}`, () => {
    assert.deepEqual(
      shellTemplates(code).map((u) => u.place),
      expected,
    );
  });
}

/** How a value is written at each place so that bash reads it back unchanged. */
const quoting: [string, ShellPlace, string][] = [
  ['/tmp/x/JeanDupont', 'word', '/tmp/x/JeanDupont'],
  ['/tmp/x/Jean Dupont', 'word', "'/tmp/x/Jean Dupont'"],
  ["/tmp/l'école", 'word', "'/tmp/l'\\''école'"],
  ['1.36.0', 'word', '1.36.0'],
  ['a;rm -rf ~', 'word', "'a;rm -rf ~'"],
  ['$HOME', 'word', "'$HOME'"],
  ['', 'word', ''],
  ['/tmp/Jean Dupont', 'double', '/tmp/Jean Dupont'],
  ['a"b$c`d\\e', 'double', 'a\\"b\\$c\\`d\\\\e'],
  ["it's", 'single', "it'\\''s"],
  ["it's \\n", 'ansi', "it\\'s \\\\n"],
  ["it's $x", 'heredoc', "it's $x"],
  ['a$b`c\\d "e" \'f\'', 'heredoc-expanded', 'a\\$b\\`c\\\\d "e" \'f\''],
  ['a b', 'comment', 'a b'],
];
for (const [value, place, written] of quoting) {
  test(`quoteForShell(${JSON.stringify(value)}, ${place})`, () => {
    assert.equal(quoteForShell(value, place), written);
  });
}

test('bash reads every quoted value back as it was, at every place', () => {
  const values = [
    '/tmp/x/Jean Dupont',
    'l\'école "vraie"',
    'a;b|c&d',
    '$HOME `id` \\n',
    '*?[x]',
    '~/x',
    ' lead',
  ];
  for (const value of values) {
    const context: TemplateContext = { vars: { v: value } };
    const code = [
      'printf "%s\\n" ${vars.v}',
      'printf "%s\\n" "${vars.v}"',
      "printf '%s\\n' '${vars.v}'",
      'printf "%s\\n" $\'${vars.v}\'',
      'printf "%s\\n" "$(printf "%s" ${vars.v})"',
      'X=${vars.v}/end; printf "%s\\n" "$X"',
      'cat <<EOF\n${vars.v}\nEOF',
    ].join('\n');
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', resolveShellTemplates(code, context)], {
      encoding: 'utf8',
    });
    assert.deepEqual(out.split('\n').slice(0, -1), [
      value,
      value,
      value,
      value,
      value,
      `${value}/end`,
      value,
    ]);
  }
});

test('templates the context does not know are left as written; own entries only', () => {
  const context: TemplateContext = { vars: { a: 'x y' } };
  assert.equal(
    resolveShellTemplates('echo ${vars.a} ${vars.b} ${vars.constructor}', context),
    "echo 'x y' ${vars.b} ${vars.constructor}",
  );
  assert.equal(resolveShellTemplates('echo ${constructor.name}', context), 'echo ${constructor.name}');
});
