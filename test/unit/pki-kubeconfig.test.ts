import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { DemystifyError } from '../../src/errors.js';
import { ensurePki } from '../../src/adapters/pki/ensure.js';
import {
  buildKubeconfig,
  loadKubeconfigInput,
  renderKubeconfig,
  writeComponentKubeconfigs,
  writeKubeconfig,
} from '../../src/adapters/pki/kubeconfig.js';
import { fakeHost } from './pki-fakes.js';

const input = {
  cluster: 'demystify',
  server: 'https://127.0.0.1:6443',
  user: 'admin',
  caPem: 'CA\n',
  certPem: 'CERT\n',
  keyPem: 'KEY\n',
};

test('a kubeconfig embeds the files base64-encoded, in kubectl order, context named after the user', () => {
  const config = buildKubeconfig(input);
  assert.deepEqual(config, {
    apiVersion: 'v1',
    clusters: [
      {
        cluster: { 'certificate-authority-data': 'Q0EK', server: 'https://127.0.0.1:6443' },
        name: 'demystify',
      },
    ],
    contexts: [{ context: { cluster: 'demystify', user: 'admin' }, name: 'admin' }],
    'current-context': 'admin',
    kind: 'Config',
    preferences: {},
    users: [
      { name: 'admin', user: { 'client-certificate-data': 'Q0VSVAo=', 'client-key-data': 'S0VZCg==' } },
    ],
  });
  const text = renderKubeconfig(config);
  assert.deepEqual(load(text), config);
  assert.match(text, /^apiVersion: v1\nclusters:\n/);
});

test('long embedded data stay on one line', () => {
  const long = 'A'.repeat(5000);
  const text = renderKubeconfig(buildKubeconfig({ ...input, certPem: long }));
  assert.ok(text.split('\n').some((line) => line.length > 5000));
});

test('kubeconfigs: checked material, 0600, kept when unchanged, one per component', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'demystify-kubeconfig-'));
  const other = await mkdtemp(join(tmpdir(), 'demystify-kubeconfig-'));
  t.after(() => Promise.all([rm(dir, { recursive: true }), rm(other, { recursive: true })]));
  const deps = { host: fakeHost('Node-7') };
  await ensurePki({ dir: join(dir, 'certs'), profile: 'per-component', keyBits: 1024 }, deps);
  const certs = join(dir, 'certs');
  const source = {
    caPath: join(certs, 'ca.pem'),
    certPath: join(certs, 'admin.pem'),
    keyPath: join(certs, 'admin-key.pem'),
  };
  const loaded = await loadKubeconfigInput(source);
  assert.equal(loaded.user, 'admin');
  assert.equal(loaded.cluster, 'demystify');
  const out = join(dir, 'admin.conf');
  assert.equal(await writeKubeconfig(out, loaded), 'written');
  assert.equal((await stat(out)).mode & 0o777, 0o600);
  const mtime = (await stat(out)).mtimeMs;
  assert.equal(await writeKubeconfig(out, loaded), 'kept');
  assert.equal((await stat(out)).mtimeMs, mtime);

  const files = await writeComponentKubeconfigs({ dir: certs, outDir: dir, server: 'https://10.1.2.3:6443' });
  assert.deepEqual(
    files.map((f) => [f.path.slice(dir.length + 1), f.user, f.action]),
    [
      ['admin.conf', 'admin', 'written'],
      ['kube-controller-manager.conf', 'system:kube-controller-manager', 'written'],
      ['kube-scheduler.conf', 'system:kube-scheduler', 'written'],
      ['kube-proxy.conf', 'system:kube-proxy', 'written'],
      ['kubelet.conf', 'system:node:node-7', 'written'],
    ],
  );
  const kubelet = load(await readFile(join(dir, 'kubelet.conf'), 'utf8')) as ReturnType<
    typeof buildKubeconfig
  >;
  assert.equal(kubelet.clusters[0]?.cluster.server, 'https://10.1.2.3:6443');
  assert.equal(
    Buffer.from(kubelet.users[0]?.user['client-key-data'] ?? '', 'base64').toString(),
    await readFile(join(certs, 'kubelet-key.pem'), 'utf8'),
  );

  // Material that does not belong together is refused.
  await assert.rejects(
    loadKubeconfigInput({ ...source, keyPath: join(certs, 'kubelet-key.pem') }),
    /does not match its key/,
  );
  await ensurePki({ dir: other, keyBits: 1024 }, deps);
  await assert.rejects(
    loadKubeconfigInput({ ...source, caPath: join(other, 'ca.pem') }),
    /not signed by the CA/,
  );
  await assert.rejects(
    writeComponentKubeconfigs({ dir: other, outDir: other }),
    (error: unknown) =>
      error instanceof DemystifyError &&
      error.code === 'PKI_FILE_MISSING' &&
      /per-component/.test(error.hint ?? ''),
  );
});
