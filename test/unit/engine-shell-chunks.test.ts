import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkAt } from '../../src/adapters/tmux/shell-chunks.js';

/** The chunks of a command, each chunk starting where the previous one ended; `lost` ones marked. */
function chunks(command: string): string[] {
  const lines = command.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const chunk = chunkAt(lines, i);
    out.push(lines.slice(i, chunk.end).join('\n') + (chunk.lost ? ' [lost]' : ''));
    i = chunk.end;
  }
  return out;
}

test('a here-document is one chunk, up to its delimiter; what follows is another', () => {
  const heredoc = "cat > f <<'EOF'\nline \t$HOME \\ \"q\" 'q\n\n# not a comment\nEOF";
  assert.deepEqual(chunks(`${heredoc}\ncat f`), [heredoc, 'cat f']);
  // Unquoted, `<<-` (leading tabs stripped from the delimiter line), several on one line.
  assert.deepEqual(chunks('cat <<END\n$x\nEND\n'), ['cat <<END\n$x\nEND', '']);
  assert.deepEqual(chunks('cat <<-END\n\tbody\n\tEND\necho'), ['cat <<-END\n\tbody\n\tEND', 'echo']);
  assert.deepEqual(chunks('cat <<A <<"B"\na\nA\nb\nB\nx'), ['cat <<A <<"B"\na\nA\nb\nB', 'x']);
  // A delimiter with spaces around it, or only part of the line, does not end the body.
  assert.deepEqual(chunks('cat <<EOF\nEOF \n EOF\nEOFX\nEOF'), ['cat <<EOF\nEOF \n EOF\nEOFX\nEOF']);
  // The sudo prefix the planner adds.
  assert.deepEqual(chunks('sudo env "PATH=$PATH" tee /etc/x.conf <<\'EOF\'\n{ "a": 1 }\nEOF'), [
    'sudo env "PATH=$PATH" tee /etc/x.conf <<\'EOF\'\n{ "a": 1 }\nEOF',
  ]);
});

test('the command goes on after a body when its line wanted more; the body starts after a joined line', () => {
  assert.deepEqual(chunks('cat <<EOF &&\nx\nEOF\necho done\necho next'), [
    'cat <<EOF &&\nx\nEOF\necho done',
    'echo next',
  ]);
  assert.deepEqual(chunks('cat <<EOF \\\n  > f\nbody\nEOF'), ['cat <<EOF \\\n  > f\nbody\nEOF']);
});

test('trailing backslash, open quotes and trailing operators join lines; anything else ends a chunk', () => {
  assert.deepEqual(chunks('echo one \\\n  two \\\n  three\necho four'), [
    'echo one \\\n  two \\\n  three',
    'echo four',
  ]);
  assert.deepEqual(chunks("echo 'a\nb'\necho \"c\nd\"\necho $'e\\'\nf'"), [
    "echo 'a\nb'",
    'echo "c\nd"',
    "echo $'e\\'\nf'",
  ]);
  assert.deepEqual(chunks('a |\n  b &&\n  c ||\n  d # done\ne'), ['a |\n  b &&\n  c ||\n  d # done', 'e']);
  assert.deepEqual(chunks('a && # why\nb'), ['a && # why\nb']);
  // Separate commands stay separate: the first failing one must stop the step.
  assert.deepEqual(chunks('true\nfalse\ntouch x'), ['true', 'false', 'touch x']);
  assert.deepEqual(chunks('a &\nb\nc >|\nd 2>&\ne'), ['a &', 'b', 'c >|', 'd 2>&', 'e']);
  // Not a continuation: an escaped backslash, a backslash in a comment or in single quotes that close.
  assert.deepEqual(chunks('echo \\\\\nb\necho # \\\nc'), ['echo \\\\', 'b', 'echo # \\', 'c']);
  assert.deepEqual(chunks("echo '\\'\nb"), ["echo '\\'", 'b']);
});

test('quotes, comments and parameters are followed: no here-document where bash sees none', () => {
  assert.deepEqual(chunks('echo "<<EOF"\nEOF'), ['echo "<<EOF"', 'EOF']);
  assert.deepEqual(chunks("echo '<<EOF' # <<X\nX"), ["echo '<<EOF' # <<X", 'X']);
  assert.deepEqual(chunks('cat <<<EOF\nEOF'), ['cat <<<EOF', 'EOF']);
  assert.deepEqual(chunks('echo $# a#b "${HOME}" ${PATH} \'it\'"s"\nx'), [
    'echo $# a#b "${HOME}" ${PATH} \'it\'"s"',
    'x',
  ]);
  assert.deepEqual(chunks('echo $\\"\nx'), ['echo $\\"', 'x']);
  assert.deepEqual(chunks('echo "it\'s" # it\'s\nx'), ['echo "it\'s" # it\'s', 'x']);
});

test('what is not modelled ends the chunk and says so', () => {
  for (const line of [
    'echo $(cat <<EOF',
    'echo `date`',
    'echo ${x:-"a"}',
    'echo "$(printf \'"\')"',
    '(( x = 1 << 2 ))',
    'echo $((1 << 2))',
    'diff <(a) <(b)',
    'cat <<$x',
    'cat <<"E\\OF"',
    'cat <<',
  ]) {
    assert.deepEqual(chunkAt([line, 'next'], 0), { end: 1, lost: true }, line);
  }
  // An unquoted body line ending in a backslash joins the next line, which then cannot end the body.
  assert.deepEqual(chunks('cat <<EOF\na\\\nEOF\nEOF'), ['cat <<EOF\na\\ [lost]', 'EOF', 'EOF']);
  assert.deepEqual(chunks("cat <<'EOF'\na\\\nEOF\nx"), ["cat <<'EOF'\na\\\nEOF", 'x']);
});

test('a chunk is at least a line; an empty command is one empty chunk', () => {
  assert.deepEqual(chunkAt([''], 0), { end: 1, lost: false });
  assert.deepEqual(chunkAt(['echo "open'], 0), { end: 1, lost: false });
});
