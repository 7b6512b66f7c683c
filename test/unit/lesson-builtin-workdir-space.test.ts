import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan } from '../../src/engine/plan.js';
import type { PlannedStep } from '../../src/engine/plan-model.js';
import type { Lesson } from '../../src/lesson/model.js';
import { parseLesson } from '../../src/lesson/parse.js';
import { ROOT } from '../helpers/paths.js';

/**
 * The built-in lesson run from a work directory with a space in it (a `$HOME` of `/home/Jean Dupont`
 * gives one): every step's command, run by bash with every program replaced by a stub that records its
 * arguments, must give the same programs the same arguments and write the same files as from a work
 * directory without the space, the space aside. Only bash's builtins run; no program of the lesson does.
 */

const SPACE = '/tmp/demystify test/Jean Dupont';
const PLAIN = '/tmp/demystify-test/JeanDupont';

// PATH leads nowhere, so every program is "not found" and bash calls this handler instead: it records the
// program and its arguments (separated by \x1f, ended by \x1e) on fd 3, and a bare `cat` copies its
// standard input (a here-document) to its standard output (the file the step writes).
const PRELUDE = `PATH=/nonexistent-demystify-test
command_not_found_handle() {
  local program=$1 a line
  { printf '%s' "$program"; for a in "\${@:2}"; do printf '\\037%s' "$a"; done; printf '\\036'; } >&3
  if [ "$program" = cat ] && [ $# -eq 1 ]; then
    while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line"; done
  fi
  return 0
}
`;

interface Run {
  status: number | null;
  /** Each program run: its name and arguments. */
  programs: string[][];
  /** The files the step wrote in its folder, by name. */
  files: Record<string, string>;
}

/** Run a command as the lesson's shell would, from an empty folder, with the stubs above. */
function runStubbed(command: string, home: string): Run {
  const dir = mkdtempSync(join(tmpdir(), 'demystify-space-'));
  try {
    const log = join(dir, '.programs');
    const result = spawnSync(
      'bash',
      ['--norc', '--noprofile', '-c', `exec 3>>${shellWord(log)}\n${PRELUDE}${command}`],
      { cwd: dir, encoding: 'utf8', timeout: 10_000, env: { HOME: home, LANG: 'C.UTF-8' }, stdio: 'pipe' },
    );
    let recorded = '';
    try {
      recorded = readFileSync(log, 'utf8');
    } catch {
      recorded = '';
    }
    const programs = recorded
      .split('\x1e')
      .filter((r) => r !== '')
      .map((r) => r.split('\x1f'))
      // A pipeline's programs start together: their order is not the lesson's.
      .sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
    const files: Record<string, string> = {};
    const walk = (sub: string): void => {
      for (const name of readdirSync(join(dir, sub))) {
        const path = join(dir, sub, name);
        if (name === '.programs') continue;
        if (statSync(path).isDirectory()) walk(join(sub, name));
        else files[join(sub, name)] = readFileSync(path, 'utf8');
      }
    };
    walk('');
    return { status: result.status, programs, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Every step of the lesson whatever its options, once each (by name). */
function allSteps(lesson: Lesson, workdir: string): Map<string, PlannedStep> {
  let sets: Record<string, string>[] = [{}];
  for (const option of Object.values(lesson.options))
    sets = sets.flatMap((set) => option.values.map((value) => ({ ...set, [option.name]: value })));
  const out = new Map<string, PlannedStep>();
  for (const options of sets)
    for (const step of buildPlan(lesson, { workdir, options, asRoot: true }).steps)
      if (!out.has(step.name)) out.set(step.name, step);
  return out;
}

/** Every step that uses the work directory gives its programs and files the same text from `odd` as from PLAIN. */
function sameMeaning(lesson: Lesson, odd: string): number {
  const back = (text: string): string => text.split(odd).join(PLAIN);
  const spaced = allSteps(lesson, odd);
  const plain = allSteps(lesson, PLAIN);
  assert.deepEqual([...spaced.keys()], [...plain.keys()]);
  let withWorkdir = 0;
  for (const [name, step] of spaced) {
    const other = plain.get(name)!;
    if (!step.command.includes(odd) && !step.command.includes(odd.replace(/[\\$`]/g, '\\$&'))) {
      assert.equal(step.command, other.command, name);
      continue;
    }
    withWorkdir++;
    const a = runStubbed(step.command, odd);
    const b = runStubbed(other.command, PLAIN);
    assert.equal(a.status, b.status, `${name}: exit status`);
    assert.deepEqual(
      a.programs.map((words) => words.map(back)),
      b.programs,
      `${name}: programs and arguments\n${step.command}`,
    );
    assert.deepEqual(
      Object.fromEntries(Object.entries(a.files).map(([f, text]) => [f, back(text)])),
      b.files,
      `${name}: files written`,
    );
  }
  return withWorkdir;
}

for (const lang of ['en', 'fr']) {
  test(`built-in lesson (${lang}) from a work directory with a space: every command means the same`, () => {
    const file = `lessons/demystify-kubernetes.${lang}.md`;
    const { lesson } = parseLesson(readFileSync(join(ROOT, file), 'utf8'), file);
    assert.ok(sameMeaning(lesson, SPACE) >= 8);
    // Nor does a path that bash would expand (in a word, and in the body of an unquoted <<EOF).
    assert.ok(sameMeaning(lesson, '/tmp/demystify $HOME `id` \\x') >= 8);
    const spaced = allSteps(lesson, SPACE);
    // The space reaches the programs whole: no argument holds half of the path.
    for (const [name, step] of spaced)
      for (const words of runStubbed(step.command, SPACE).programs)
        for (const word of words)
          if (/Dupont|test\/Jean|^\/tmp\/demystify$/.test(word))
            assert.ok(word.includes(SPACE), `${name}: ${word}`);

    // What a person would check by hand.
    const fetch = runStubbed(spaced.get('fetch')!.command, SPACE);
    assert.deepEqual(fetch.programs, [['demystify', 'fetch', '--workdir', SPACE]]);
    const kubeconfig = runStubbed(
      `${spaced.get('use-kubeconfig')!.command}\nprintf '%s' "$KUBECONFIG" >&3`,
      SPACE,
    );
    assert.deepEqual(kubeconfig.programs, [[`${SPACE}/admin.conf`]]);
    const kubelet = runStubbed(spaced.get('start-kubelet')!.command, SPACE);
    assert.ok(kubelet.programs[0]?.includes(`--root-dir=${SPACE}/kubelet`), kubelet.programs[0]?.join(' | '));
    const config = runStubbed(spaced.get('write-kubelet-config')!.command, SPACE);
    assert.match(
      config.files['kubelet.yaml'] ?? '',
      /^ {4}clientCAFile: \/tmp\/demystify test\/Jean Dupont\/certs\/ca\.pem$/m,
    );
  });
}
