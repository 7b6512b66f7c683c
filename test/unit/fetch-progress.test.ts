import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressRenderer } from '../../src/ui/progress/progress.js';
import {
  fit,
  formatBar,
  formatBytes,
  formatCompactFigures,
  formatDuration,
  formatFigures,
  SpeedMeter,
} from '../../src/ui/progress/progress-format.js';

test('sizes, durations, bars', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(23_700_000), '22.6 MiB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.0 GiB');
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(4100), '5 s');
  assert.equal(formatDuration(65_000), '1 min 05 s');
  assert.equal(formatDuration(2 * 3600_000 + 180_000), '2 h 03 min');
  assert.equal(formatBar(5, 10, 10), '[#####.....]');
  assert.equal(formatBar(5, undefined, 4), '[....]');
  assert.equal(fit('etcd-v3.6.9-linux-amd64.tar.gz', 11), 'etcd-…ar.gz');
  assert.equal(fit('abcdefghij', 5), 'ab…ij');
  assert.equal(fit('short', 10), 'short');
});

test('the compact figures of a live bar, and a bar that fits 80 columns with a long name', () => {
  assert.equal(
    formatCompactFigures({ received: 12.3 * 1024 ** 2, total: 29.1 * 1024 ** 2, speed: 4.5 * 1024 ** 2 }),
    ' 42% 12.3/29.1 MiB 4.5 MiB/s 4 s left',
  );
  assert.equal(formatCompactFigures({ received: 100 }), '100 B');
  const writes: string[] = [];
  let clock = 0;
  const renderer = createProgressRenderer({
    write: (t) => writes.push(t),
    tty: true,
    columns: 80,
    now: () => (clock += 500),
  });
  const file = 'kubernetes-server-linux-amd64.tar.gz';
  renderer.onEvent({ kind: 'start', file, url: 'u', offset: 0, total: 400 * 1024 ** 2 });
  renderer.onEvent({ kind: 'progress', file, received: 100 * 1024 ** 2, total: 400 * 1024 ** 2 });
  const line = writes
    .at(-1)!
    .replace(/^\r\x1b\[1A\x1b\[J/, '')
    .trimEnd();
  assert.ok(line.length <= 79, line);
  assert.match(line, /^kubernetes…64\.tar\.gz \[#+\.+\] +25% 100\.0\/400\.0 MiB [\d.]+ MiB\/s .* left$/);
});

test('speed over a sliding window, and the time left', () => {
  const meter = new SpeedMeter(3000);
  assert.equal(meter.bytesPerSecond(), undefined);
  meter.add(0, 0);
  meter.add(1000, 1024 * 1024);
  assert.equal(meter.bytesPerSecond(), 1024 * 1024);
  // After a stall, the old fast samples leave the window.
  meter.add(5000, 1024 * 1024);
  meter.add(6000, 1024 * 1024);
  assert.equal(meter.bytesPerSecond(), 0);
  assert.equal(
    formatFigures({ received: 10 * 1024 * 1024, total: 20 * 1024 * 1024, speed: 1024 * 1024 }),
    ' 50%  10.0 MiB of 20.0 MiB  1.0 MiB/s  10 s left',
  );
  assert.equal(formatFigures({ received: 2048 }), '2.0 KiB');
});

test('plain lines when not on a TTY: start, quarters, done, verified, installed', () => {
  let out = '';
  let clock = 0;
  const renderer = createProgressRenderer({
    write: (t) => (out += t),
    tty: false,
    now: () => (clock += 1000),
  });
  const file = 'etcd-v3.6.9-linux-amd64.tar.gz';
  renderer.onEvent({ kind: 'start', file, url: 'https://x/e.tgz', offset: 0, total: 4 * 1024 * 1024 });
  for (let i = 1; i <= 16; i++)
    renderer.onEvent({ kind: 'progress', file, received: i * 256 * 1024, total: 4 * 1024 * 1024 });
  renderer.onEvent({ kind: 'downloaded', file, bytes: 4 * 1024 * 1024, ms: 2000 });
  renderer.onEvent({ kind: 'verified', file, sha256: 'ab'.repeat(32), source: 'https://x/SHA256SUMS' });
  renderer.onEvent({
    kind: 'installed',
    name: 'etcd',
    version: '3.6.9',
    files: ['etcd', 'etcdctl'],
    dest: '/w/bin',
  });
  renderer.finish();
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], `${file} (4.0 MiB): downloading from https://x/e.tgz`);
  assert.equal(lines.filter((l) => /^etcd-v3\.6\.9-linux-amd64\.tar\.gz: +\d+%/.test(l)).length, 3, out);
  assert.match(out, /25% {2}1\.0 MiB of 4\.0 MiB {2}256\.0 KiB\/s {2}12 s left/);
  assert.match(out, /downloaded 4\.0 MiB in 2\.0 s, 2\.0 MiB\/s/);
  assert.match(out, /sha256 abababababababab… verified \(https:\/\/x\/SHA256SUMS\)/);
  assert.match(out, /installed etcd 3\.6\.9: etcd, etcdctl → \/w\/bin/);
  assert.doesNotMatch(out, /\x1b\[/, 'no escape codes in plain mode');
});

test('on a TTY, one live bar per download, redrawn in place under the finished lines', () => {
  const writes: string[] = [];
  let clock = 0;
  const renderer = createProgressRenderer({
    write: (t) => writes.push(t),
    tty: true,
    columns: 100,
    now: () => (clock += 200),
  });
  renderer.onEvent({ kind: 'start', file: 'a.tgz', url: 'u', offset: 0, total: 1000 });
  renderer.onEvent({ kind: 'start', file: 'b.tgz', url: 'u', offset: 500, total: 1000 });
  renderer.onEvent({ kind: 'progress', file: 'a.tgz', received: 500, total: 1000 });
  const frame = writes.at(-1)!;
  assert.ok(frame.startsWith('\r\x1b[2A\x1b[J'), JSON.stringify(frame));
  const bars = frame
    .replace(/^\r\x1b\[2A\x1b\[J/, '')
    .trimEnd()
    .split('\n');
  assert.equal(bars.length, 2);
  assert.match(bars[0]!, /^a\.tgz \[#+\.+\] +50% 500\/1000 B \d+(\.\d)? (B|KiB)\/s \d+ s left$/);
  assert.match(bars[1]!, /^b\.tgz +\[#+\.+\] +50%/);
  assert.ok(bars.every((line) => line.length < 100));
  renderer.onEvent({ kind: 'downloaded', file: 'a.tgz', bytes: 1000, ms: 1000 });
  const after = writes.at(-1)!;
  assert.match(after, /^\r\x1b\[2A\x1b\[Ja\.tgz: downloaded 1000 B in 1\.0 s, 1000 B\/s\nb\.tgz /);
  renderer.finish();
  assert.equal(writes.at(-1), '\r\x1b[1A\x1b[J');
});
