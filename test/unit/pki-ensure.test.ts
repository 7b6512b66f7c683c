import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemystifyError, UsageError } from '../../src/errors.js';
import { ensurePki, type PkiOptions } from '../../src/adapters/pki/ensure.js';
import type { PkiDeps } from '../../src/adapters/pki/deps.js';
import { fromPem, keyMatches, summarize } from '../../src/adapters/pki/forge-build.js';
import { fakeHost } from './pki-fakes.js';

const T0 = new Date('2030-01-01T00:00:00Z');

/** Injected clock, serial randomness and machine; real native key generation, small keys for speed. */
function deps(now = T0, host = fakeHost()): Partial<PkiDeps> {
  let n = 0;
  return {
    now: () => now,
    randomBytes: (size) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + ++n) & 0xff),
    host,
  };
}

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'demystify-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Name -> content, mtime and mode of every file of a folder: what "changes nothing" compares. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const s = await stat(join(dir, name));
    out[name] = `${(s.mode & 0o777).toString(8)} ${s.mtimeMs} ${await readFile(join(dir, name), 'utf8')}`;
  }
  return out;
}

const opts = (dir: string, more: Partial<PkiOptions> = {}): PkiOptions => ({ dir, keyBits: 1024, ...more });

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DemystifyError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    assert.match(error.hint ?? '', /--force/);
    return true;
  });
}

test('the simple profile writes a CA and one admin certificate: keys 0600, certificates 0644', async (t) => {
  const dir = await tempDir(t);
  const result = await ensurePki(opts(dir), deps());
  assert.deepEqual(
    result.files.map((f) => [f.path.slice(dir.length + 1), f.kind, f.action]),
    [
      ['ca-key.pem', 'ca-key', 'written'],
      ['ca.pem', 'ca-cert', 'written'],
      ['admin-key.pem', 'key', 'written'],
      ['admin.pem', 'cert', 'written'],
    ],
  );
  const modes = Object.fromEntries(
    await Promise.all(
      (await readdir(dir)).map(async (name) => [
        name,
        ((await stat(join(dir, name))).mode & 0o777).toString(8),
      ]),
    ),
  );
  assert.deepEqual(modes, {
    'ca-key.pem': '600',
    'ca.pem': '644',
    'admin-key.pem': '600',
    'admin.pem': '644',
  });
  const admin = summarize(fromPem.cert(await readFile(join(dir, 'admin.pem'), 'utf8')));
  assert.deepEqual(
    [admin.cn, admin.o, admin.serverAuth, admin.clientAuth],
    ['admin', ['system:masters'], true, true],
  );
  assert.ok(admin.ips.includes('10.0.0.1') && admin.dns.includes('kubernetes.default.svc.cluster.local'));
  assert.equal(admin.notAfter.toISOString(), '2031-01-01T00:00:00.000Z');
});

test('a second run changes nothing; --force makes everything anew', async (t) => {
  const dir = await tempDir(t);
  await ensurePki(opts(dir, { profile: 'per-component' }), deps());
  const before = await snapshot(dir);
  const again = await ensurePki(opts(dir, { profile: 'per-component' }), deps());
  assert.ok(again.files.every((f) => f.action === 'kept' && f.note === undefined));
  assert.deepEqual(await snapshot(dir), before);
  const forced = await ensurePki(opts(dir, { profile: 'per-component', force: true }), deps());
  assert.equal(forced.files.length, 22);
  assert.ok(forced.files.every((f) => f.action === 'written'));
  const after = await snapshot(dir);
  for (const name of Object.keys(before)) assert.notEqual(after[name], before[name], name);
  assert.deepEqual(Object.keys(after), Object.keys(before), 'no temp file left behind');
});

test('per-component subjects and usages are what RBAC and the Node authorizer expect', async (t) => {
  const dir = await tempDir(t);
  const result = await ensurePki(opts(dir, { profile: 'per-component' }), deps());
  assert.equal(result.nodeName, 'learner-box');
  const read = async (name: string) =>
    summarize(fromPem.cert(await readFile(join(dir, `${name}.pem`), 'utf8')));
  const expected: Record<string, [string, string[], boolean, boolean]> = {
    'kube-apiserver': ['kube-apiserver', [], true, false],
    'apiserver-etcd-client': ['kube-apiserver-etcd-client', [], false, true],
    'apiserver-kubelet-client': ['kube-apiserver-kubelet-client', ['system:masters'], false, true],
    'etcd-server': ['etcd-server', [], true, true],
    admin: ['admin', ['system:masters'], false, true],
    'kube-controller-manager': ['system:kube-controller-manager', [], false, true],
    'kube-scheduler': ['system:kube-scheduler', [], false, true],
    'kube-proxy': ['system:kube-proxy', [], false, true],
    kubelet: ['system:node:learner-box', ['system:nodes'], true, true],
  };
  for (const [name, want] of Object.entries(expected)) {
    const s = await read(name);
    assert.deepEqual([s.cn, s.o, s.serverAuth, s.clientAuth], want, name);
  }
  assert.ok((await read('kube-apiserver')).ips.includes('10.0.0.1'));
  assert.ok(!(await read('etcd-server')).dns.includes('kubernetes'), 'etcd is not the kubernetes Service');
  assert.ok((await read('kubelet')).dns.includes('learner-box'));
  assert.deepEqual((await read('admin')).dns, [], 'client certificates carry no SANs');
  const saPublic = fromPem.publicKey(await readFile(join(dir, 'service-account.pem'), 'utf8'));
  const saKey = fromPem.privateKey(await readFile(join(dir, 'service-account-key.pem'), 'utf8'));
  assert.ok(keyMatches(saPublic, saKey));
  assert.match(await readFile(join(dir, 'service-account.pem'), 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
});

test('a CA that does not match its key is an error, and nothing is written', async (t) => {
  const [dir, other] = [await tempDir(t), await tempDir(t)];
  await ensurePki(opts(dir), deps());
  await ensurePki(opts(other), deps());
  await copyFile(join(other, 'ca-key.pem'), join(dir, 'ca-key.pem'));
  await rm(join(dir, 'admin.pem'));
  const before = await snapshot(dir);
  await rejectsWith(ensurePki(opts(dir), deps()), 'PKI_CA_KEY_MISMATCH', /ca\.pem does not match its key/);
  assert.deepEqual(await snapshot(dir), before);
});

test('a certificate not signed by the CA in the folder is an error, not an overwrite', async (t) => {
  const [dir, other] = [await tempDir(t), await tempDir(t)];
  await ensurePki(opts(dir), deps());
  await ensurePki(opts(other), deps());
  await copyFile(join(other, 'admin.pem'), join(dir, 'admin.pem'));
  await copyFile(join(other, 'admin-key.pem'), join(dir, 'admin-key.pem'));
  const before = await snapshot(dir);
  await rejectsWith(
    ensurePki(opts(dir), deps()),
    'PKI_NOT_SIGNED_BY_CA',
    /admin\.pem was not signed by the CA/,
  );
  assert.deepEqual(await snapshot(dir), before);
  // A lost CA key means a new CA, which cannot have signed the certificates already there.
  await rm(join(other, 'ca-key.pem'));
  await rm(join(other, 'ca.pem'));
  await rejectsWith(ensurePki(opts(other), deps()), 'PKI_NOT_SIGNED_BY_CA', /admin\.pem/);
});

test('a certificate without its key is an error; a key without its certificate is reused', async (t) => {
  const dir = await tempDir(t);
  await ensurePki(opts(dir), deps());
  const key = await readFile(join(dir, 'admin-key.pem'), 'utf8');
  await rm(join(dir, 'admin.pem'));
  const result = await ensurePki(opts(dir), deps());
  assert.deepEqual(
    result.files.map((f) => f.action),
    ['kept', 'kept', 'kept', 'written'],
  );
  assert.equal(await readFile(join(dir, 'admin-key.pem'), 'utf8'), key);
  await rm(join(dir, 'ca-key.pem'));
  await rejectsWith(ensurePki(opts(dir), deps()), 'PKI_KEY_MISSING', /ca\.pem exists but its key/);
});

test('the injected clock decides expiry: an expired certificate is refused, --force renews it', async (t) => {
  const dir = await tempDir(t);
  await ensurePki(opts(dir, { days: 30 }), deps());
  const later = new Date(T0.getTime() + 31 * 86_400_000);
  await rejectsWith(
    ensurePki(opts(dir), deps(later)),
    'PKI_EXPIRED',
    /admin\.pem is valid from 2029-12-31T23:55:00/,
  );
  const renewed = await ensurePki(opts(dir, { force: true }), deps(later));
  assert.ok(renewed.files.every((f) => f.action === 'written'));
  const admin = summarize(fromPem.cert(await readFile(join(dir, 'admin.pem'), 'utf8')));
  assert.equal(admin.notBefore.toISOString(), '2030-01-31T23:55:00.000Z');
});

test('a name asked for later is an error; an address that appeared later is only a note', async (t) => {
  const dir = await tempDir(t);
  await ensurePki(opts(dir), deps());
  await rejectsWith(
    ensurePki(opts(dir, { hostnames: ['k8s.example'] }), deps()),
    'PKI_CERT_MISMATCH',
    /lacks the SAN\(s\) k8s\.example/,
  );
  const withBridge = fakeHost('Learner-Box', { cni0: ['10.244.0.1'] });
  const result = await ensurePki(opts(dir), deps(T0, withBridge));
  const admin = result.files.find((f) => f.path.endsWith('admin.pem'));
  assert.equal(admin?.action, 'kept');
  assert.match(admin?.note ?? '', /lacks 10\.244\.0\.1/);
});

test('switching profiles keeps what fits and refuses what does not', async (t) => {
  const [dir, other] = [await tempDir(t), await tempDir(t)];
  await ensurePki(opts(dir), deps());
  const per = await ensurePki(opts(dir, { profile: 'per-component' }), deps());
  assert.equal(
    per.files.find((f) => f.path.endsWith('/admin.pem'))?.action,
    'kept',
    'server+client is enough',
  );
  await ensurePki(opts(other, { profile: 'per-component' }), deps());
  await rejectsWith(ensurePki(opts(other), deps()), 'PKI_CERT_MISMATCH', /not valid for server auth/);
});

test('bad options and unreadable files are clear errors', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(ensurePki(opts(dir, { days: 0 }), deps()), UsageError);
  await assert.rejects(ensurePki(opts(dir, { profile: 'odd' as never }), deps()), UsageError);
  await assert.rejects(ensurePki(opts(dir, { ips: ['1.2.3'] }), deps()), UsageError);
  await writeFile(join(dir, 'ca.pem'), 'not a certificate');
  await writeFile(join(dir, 'ca-key.pem'), 'not a key');
  await rejectsWith(
    ensurePki(opts(dir), deps()),
    'PKI_UNREADABLE',
    /ca-key\.pem is not a readable PEM RSA private key/,
  );
});

test('a hostname that cannot be a node name asks for --node-name', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(ensurePki(opts(dir), deps(T0, fakeHost('my_box'))), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /'my_box' cannot be a Kubernetes node name/);
    assert.match(error.hint ?? '', /--node-name/);
    return true;
  });
  const result = await ensurePki(opts(dir, { nodeName: 'box-1' }), deps(T0, fakeHost('my_box')));
  assert.equal(result.nodeName, 'box-1');
  assert.deepEqual(result.sans.machine.dns, ['localhost'], 'an invalid hostname is simply not a SAN');
});
