import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { demystify, tempDir } from './pki-helpers.js';

interface View {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

/** What kubectl itself reads from a kubeconfig: `kubectl --kubeconfig FILE config view --raw -o json`. */
async function view(file: string): Promise<View> {
  const { stdout } = await execa('kubectl', ['--kubeconfig', file, 'config', 'view', '--raw', '-o', 'json']);
  return JSON.parse(stdout) as View;
}

const decode = (data: string | undefined) => Buffer.from(data ?? '', 'base64').toString('utf8');

test('kubectl reads every per-component kubeconfig and its embedded data are the files on disk', async (t) => {
  const work = await tempDir(t, 'demystify-pki-kubectl-');
  const certs = join(work, 'certs');
  await demystify(['pki', '--dir', certs, '--profile', 'per-component', '--node-name', 'node-a']);
  const printed = await demystify(['kubeconfig', '--all', '--dir', 'certs'], work);
  assert.match(printed, /^written kubelet\.conf {2}\(user system:node:node-a\)$/m);
  const expected: Record<string, string> = {
    admin: 'admin',
    'kube-controller-manager': 'system:kube-controller-manager',
    'kube-scheduler': 'system:kube-scheduler',
    'kube-proxy': 'system:kube-proxy',
    kubelet: 'system:node:node-a',
  };
  const ca = await readFile(join(certs, 'ca.pem'), 'utf8');
  for (const [name, user] of Object.entries(expected)) {
    const config = await view(join(work, `${name}.conf`));
    assert.equal(config['current-context'], user, name);
    assert.deepEqual(config.contexts, [{ name: user, context: { cluster: 'demystify', user } }]);
    assert.equal(config.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
    assert.equal(decode(config.clusters[0]?.cluster['certificate-authority-data']), ca);
    assert.equal(
      decode(config.users[0]?.user['client-certificate-data']),
      await readFile(join(certs, `${name}.pem`), 'utf8'),
    );
    assert.equal(
      decode(config.users[0]?.user['client-key-data']),
      await readFile(join(certs, `${name}-key.pem`), 'utf8'),
    );
  }
  const again = await demystify(['kubeconfig', '--all', '--dir', 'certs'], work);
  assert.equal(again.split('\n').filter((l) => l.startsWith('kept')).length, 5, 'a second run keeps them');
});

test("the admin kubeconfig is exactly what kubectl's own config set-* --embed-certs makes", async (t) => {
  const work = await tempDir(t, 'demystify-pki-kubectl-');
  await demystify(['pki', '--dir', 'certs'], work);
  await demystify(
    ['kubeconfig', '--name', 'admin', '--server', 'https://127.0.0.1:6443', '--out', 'admin.conf'],
    work,
  );
  // The tutorial's four commands, into a kubeconfig of their own.
  const kubectl = (...args: string[]) =>
    execa('kubectl', ['--kubeconfig', 'kubectl.conf', ...args], { cwd: work });
  await kubectl(
    'config',
    'set-cluster',
    'demystify',
    '--certificate-authority=certs/ca.pem',
    '--embed-certs=true',
    '--server=https://127.0.0.1:6443',
  );
  await kubectl(
    'config',
    'set-credentials',
    'admin',
    '--embed-certs=true',
    '--client-certificate=certs/admin.pem',
    '--client-key=certs/admin-key.pem',
  );
  await kubectl('config', 'set-context', 'admin', '--cluster=demystify', '--user=admin');
  await kubectl('config', 'use-context', 'admin');
  assert.deepEqual(await view(join(work, 'admin.conf')), await view(join(work, 'kubectl.conf')));
  assert.equal(
    await readFile(join(work, 'admin.conf'), 'utf8'),
    await readFile(join(work, 'kubectl.conf'), 'utf8'),
  );
});
