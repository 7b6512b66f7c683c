import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemystifyError } from '../../src/errors.js';
import { ACTION_GROUPS, keyLabel, keysOf } from '../../src/ui/presenter/key-labels.js';
import {
  ACTIONS,
  canonicalKey,
  DEFAULT_KEYMAP,
  keyIndex,
  mergeKeymap,
  type Action,
} from '../../src/ui/presenter/keymap.js';
import { defaultKeysFile, loadKeymap } from '../../src/ui/presenter/keys-config.js';

test('keys as blessed reports them get one name each', () => {
  assert.equal(canonicalKey('N', { full: 'S-n', name: 'n', shift: true } as never), 'N');
  assert.equal(canonicalKey('?', { full: '?', name: undefined } as never), '?');
  assert.equal(canonicalKey('\r', { full: 'return', name: 'return' }), 'enter');
  assert.equal(canonicalKey(' ', { full: 'space', name: 'space' }), 'space');
  assert.equal(canonicalKey('\x07', { full: 'C-g', name: 'g', ctrl: true }), 'C-g');
  assert.equal(canonicalKey(undefined, { full: 'pagedown', name: 'pagedown' }), 'pagedown');
  assert.equal(canonicalKey(undefined, { full: 'S-tab', name: 'tab', shift: true } as never), 'S-tab');
});

test('every action has a default key, is in a help group, and no key does two things', () => {
  const grouped = new Set(ACTION_GROUPS.flatMap((g) => g.actions));
  const seen = new Map<string, Action>();
  for (const action of Object.keys(ACTIONS) as Action[]) {
    assert.ok(DEFAULT_KEYMAP[action].length > 0, `${action} has a key`);
    if (!/^session-[2-9]$/.test(action)) assert.ok(grouped.has(action), `${action} is in the help`);
    for (const key of DEFAULT_KEYMAP[action]) {
      assert.equal(seen.get(key), undefined, `${key} is bound to ${seen.get(key)} and ${action}`);
      seen.set(key, action);
    }
  }
  assert.equal(keyIndex(DEFAULT_KEYMAP).get('r'), 'run-step');
});

test('a user binding replaces the action’s keys and takes the key from its old action', () => {
  const map = mergeKeymap({ 'run-step': ['space', 'F5'], quit: 'x' });
  assert.deepEqual(map['run-step'], ['space', 'F5']);
  assert.deepEqual(map['page-down'], ['pagedown'], 'space left page-down');
  assert.deepEqual(map.quit, ['x']);
  assert.deepEqual(map.stop, [], 'x left stop');
  assert.equal(keyIndex(map).get('space'), 'run-step');
  assert.deepEqual(mergeKeymap(null), DEFAULT_KEYMAP);
});

test('mistakes in keys.yaml are errors a user can act on', () => {
  assert.throws(
    () => mergeKeymap({ 'run-stpe': 'r' }),
    (e: unknown) =>
      e instanceof DemystifyError &&
      /unknown action 'run-stpe'/.test(e.message) &&
      /run-step/.test(e.hint ?? ''),
  );
  assert.throws(() => mergeKeymap({ quit: [] }), /wants a key or a list of keys/);
  assert.throws(() => mergeKeymap({ quit: { a: 1 } }), /wants a key/);
  assert.throws(() => mergeKeymap(['quit']), /expected a mapping/);
});

test('keys.yaml is read from the XDG config folder; missing is fine, invalid is not', async () => {
  assert.equal(defaultKeysFile({ XDG_CONFIG_HOME: '/cfg' }), '/cfg/demystify/keys.yaml');
  const missing = Object.assign(new Error('no'), { code: 'ENOENT' });
  assert.deepEqual(
    await loadKeymap('/x.yaml', { readFile: async () => Promise.reject(missing) }),
    DEFAULT_KEYMAP,
  );
  await assert.rejects(
    loadKeymap('/x.yaml', { readFile: async () => Promise.reject(missing) }, { required: true }),
    /cannot read key bindings/,
  );
  const map = await loadKeymap('/x.yaml', { readFile: async () => 'run-step: [space]\nzoom: Z\n' });
  assert.deepEqual(map.zoom, ['Z']);
  await assert.rejects(loadKeymap('/x.yaml', { readFile: async () => 'run-step: [\n' }), /not valid YAML/);
});

test('keys are shown as a person writes them', () => {
  assert.equal(keyLabel('C-g'), 'Ctrl-g');
  assert.equal(keyLabel('enter'), 'Enter');
  assert.equal(keyLabel('pagedown'), 'PgDn');
  assert.equal(keysOf(DEFAULT_KEYMAP, 'run-step'), 'r/Enter');
});
