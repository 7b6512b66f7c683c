import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseExpectation, parseProbe } from '../../src/lesson/probes.js';

const probes: [string, object | RegExp][] = [
  ['tcp:127.0.0.1:2379', { kind: 'tcp', host: '127.0.0.1', port: 2379 }],
  ['tcp:[::1]:80', { kind: 'tcp', host: '[::1]', port: 80 }],
  ['tcp:localhost:${vars.port}', { kind: 'tcp', host: 'localhost', port: 0 }],
  ['https://127.0.0.1:6443/readyz', { kind: 'http', url: 'https://127.0.0.1:6443/readyz' }],
  ['http://127.0.0.1:10248/healthz', { kind: 'http', url: 'http://127.0.0.1:10248/healthz' }],
  ['unix:/run/containerd/containerd.sock', { kind: 'unix', path: '/run/containerd/containerd.sock' }],
  ['log:/serving client traffic/i', { kind: 'log', pattern: 'serving client traffic', flags: 'i' }],
  ['cmd:kubectl get nodes | grep -w Ready', { kind: 'cmd', command: 'kubectl get nodes | grep -w Ready' }],
  ['tcp:localhost', /must be tcp:HOST:PORT/],
  ['tcp:localhost:99999', /invalid port/],
  ['unix:', /socket path/],
  ['cmd:', /no command/],
  ['log:oops', /not a \/regular expression\//],
  ['log:/(/', /invalid regular expression/],
  ['ftp://x', /unknown probe/],
  ['http://', /not a valid URL/],
];
for (const [raw, want] of probes) {
  test(`probe ${raw}`, () => {
    const got = parseProbe(raw);
    if (want instanceof RegExp) {
      assert.ok('error' in got, `expected an error for ${raw}`);
      assert.match(got.error, want);
    } else assert.deepEqual(got, { ...want, raw });
  });
}

const expectations: [string, object | RegExp][] = [
  ['fail', { fail: true }],
  ['exit=3', { exit: 3 }],
  ['output=/Pending/', { output: { pattern: 'Pending', flags: '' } }],
  ['output=/a b\\/c/i exit=1', { output: { pattern: 'a b\\/c', flags: 'i' }, exit: 1 }],
  ['fail output=/No resources/', { fail: true, output: { pattern: 'No resources', flags: '' } }],
  ['exit=256', /0 to 255/],
  ['failure', /unknown expectation/],
  ['output=/x', /no closing/],
  ['fail exit=0', /contradict/],
];
for (const [raw, want] of expectations) {
  test(`expect ${raw}`, () => {
    const got = parseExpectation(raw);
    if (want instanceof RegExp) {
      assert.ok('error' in got);
      assert.match(got.error, want);
    } else assert.deepEqual(got, want);
  });
}

const durations: [string, number | undefined][] = [
  ['30s', 30_000],
  ['500ms', 500],
  ['2m', 120_000],
  ['5', 5000],
  ['1.5s', 1500],
  ['abc', undefined],
  ['3h', undefined],
];
for (const [raw, want] of durations) test(`duration ${raw}`, () => assert.equal(parseDuration(raw), want));
