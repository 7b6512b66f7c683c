import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { normalizeIp } from '../../src/adapters/pki/sans.js';
import { demystify, tempDir } from './pki-helpers.js';

const openssl = async (...args: string[]): Promise<string> =>
  (await execa('openssl', args, { all: true })).all ?? '';

/** The parts of `openssl x509 -text` this test reads. */
async function x509(path: string) {
  const text = await openssl('x509', '-in', path, '-noout', '-text');
  const after = (label: string) => {
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.trim().startsWith(label));
    return i < 0 ? undefined : { header: lines[i]!.trim(), value: lines[i + 1]!.trim() };
  };
  const subject = /^\s*Subject: (.*)$/m.exec(text)?.[1] ?? '';
  const notBefore = new Date(/Not Before: (.*)$/m.exec(text)?.[1] ?? '');
  const sans = (after('X509v3 Subject Alternative Name')?.value ?? '').split(', ').filter(Boolean);
  return {
    text,
    subject,
    notBefore,
    basic: after('X509v3 Basic Constraints'),
    keyUsage: after('X509v3 Key Usage'),
    eku: after('X509v3 Extended Key Usage')?.value,
    ski: after('X509v3 Subject Key Identifier')?.value,
    aki: after('X509v3 Authority Key Identifier')?.value.replace(/^keyid:/, ''),
    dns: sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
    ips: sans.filter((s) => s.startsWith('IP Address:')).map((s) => normalizeIp(s.slice(11))),
  };
}

const SERVER = 'TLS Web Server Authentication';
const CLIENT = 'TLS Web Client Authentication';
const K8S_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
const machineDns = ['localhost', hostname().toLowerCase(), 'k8s.example'];
// Computed here independently of the code under test: every non-internal address but IPv6 link-local.
const discovered = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .filter((i) => !i.internal && !(i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80')))
  .map((i) => normalizeIp(i.address));
const machineIps = ['127.0.0.1', ...discovered, '192.0.2.10'];

async function checkCa(dir: string): Promise<string> {
  const ca = await x509(join(dir, 'ca.pem'));
  assert.deepEqual(ca.basic, { header: 'X509v3 Basic Constraints: critical', value: 'CA:TRUE' });
  assert.equal(ca.keyUsage?.header, 'X509v3 Key Usage: critical');
  assert.match(ca.keyUsage?.value ?? '', /Certificate Sign, CRL Sign/);
  assert.match(ca.text, /Signature Algorithm: sha256WithRSAEncryption/);
  assert.match(await openssl('verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'ca.pem')), /: OK$/);
  return ca.ski ?? '';
}

/** Every assertion the issue asks of one leaf: chain, purpose, subject, usages, SANs, serial, dates, key. */
async function checkLeaf(
  dir: string,
  name: string,
  subject: string,
  eku: string[],
  dns: string[],
  ips: string[],
  caSki: string,
) {
  const path = join(dir, `${name}.pem`);
  const ca = join(dir, 'ca.pem');
  assert.match(await openssl('verify', '-CAfile', ca, path), /: OK$/, name);
  if (eku.includes(SERVER))
    assert.match(await openssl('verify', '-purpose', 'sslserver', '-CAfile', ca, path), /: OK$/);
  if (eku.includes(CLIENT))
    assert.match(await openssl('verify', '-purpose', 'sslclient', '-CAfile', ca, path), /: OK$/);
  const cert = await x509(path);
  assert.equal(cert.subject, subject, name);
  assert.deepEqual(cert.basic, { header: 'X509v3 Basic Constraints: critical', value: 'CA:FALSE' }, name);
  assert.deepEqual(cert.keyUsage, {
    header: 'X509v3 Key Usage: critical',
    value: 'Digital Signature, Key Encipherment',
  });
  assert.equal(cert.eku, eku.join(', '), name);
  assert.deepEqual(cert.dns.sort(), [...new Set(dns)].sort(), name);
  assert.deepEqual(cert.ips.sort(), [...new Set(ips)].sort(), name);
  assert.equal(cert.aki, caSki, `${name}: authority key id is the CA's key id`);
  assert.ok(cert.ski && cert.ski !== caSki);
  assert.match(cert.text, /Signature Algorithm: sha256WithRSAEncryption/);
  assert.match(cert.text, /Public-Key: \(2048 bit\)/);
  assert.doesNotMatch(cert.text, /Negative/);
  const ageMinutes = (Date.now() - cert.notBefore.getTime()) / 60_000;
  assert.ok(ageMinutes > 4 && ageMinutes < 7, `${name} notBefore ${ageMinutes} minutes ago`);
  assert.match(await openssl('rsa', '-in', join(dir, `${name}-key.pem`), '-check', '-noout'), /RSA key ok/);
  const modulus = (args: string[]) => openssl(...args, '-noout', '-modulus');
  assert.equal(
    await modulus(['x509', '-in', path]),
    await modulus(['rsa', '-in', join(dir, `${name}-key.pem`)]),
  );
}

test('simple profile: openssl verifies the admin certificate and sees every SAN', async (t) => {
  const dir = join(await tempDir(t, 'demystify-pki-openssl-'), 'certs');
  await demystify(['pki', '--dir', dir, '--hostname', 'k8s.example', '--ip', '192.0.2.10']);
  const caSki = await checkCa(dir);
  await checkLeaf(
    dir,
    'admin',
    'O = system:masters, CN = admin',
    [SERVER, CLIENT],
    [...machineDns, ...K8S_NAMES],
    [...machineIps, '10.0.0.1'],
    caSki,
  );
});

test('per-component profile: every certificate verifies with the subjects and usages Kubernetes expects', async (t) => {
  const dir = join(await tempDir(t, 'demystify-pki-openssl-'), 'certs');
  const args = [
    'pki',
    '--dir',
    dir,
    '--profile',
    'per-component',
    '--hostname',
    'k8s.example',
    '--ip',
    '192.0.2.10',
  ];
  await demystify([...args, '--service-cidr', '10.32.0.0/24', '--node-name', 'worker-0']);
  const caSki = await checkCa(dir);
  const none: string[] = [];
  const leaves: [string, string, string[], string[], string[]][] = [
    [
      'kube-apiserver',
      'CN = kube-apiserver',
      [SERVER],
      [...machineDns, ...K8S_NAMES],
      [...machineIps, '10.32.0.1'],
    ],
    ['apiserver-etcd-client', 'CN = kube-apiserver-etcd-client', [CLIENT], none, none],
    [
      'apiserver-kubelet-client',
      'O = system:masters, CN = kube-apiserver-kubelet-client',
      [CLIENT],
      none,
      none,
    ],
    ['etcd-server', 'CN = etcd-server', [SERVER, CLIENT], machineDns, machineIps],
    ['admin', 'O = system:masters, CN = admin', [CLIENT], none, none],
    ['kube-controller-manager', 'CN = system:kube-controller-manager', [CLIENT], none, none],
    ['kube-scheduler', 'CN = system:kube-scheduler', [CLIENT], none, none],
    ['kube-proxy', 'CN = system:kube-proxy', [CLIENT], none, none],
    ['kubelet', 'O = system:nodes, CN = system:node:worker-0', [SERVER, CLIENT], machineDns, machineIps],
  ];
  for (const [name, subject, eku, dns, ips] of leaves)
    await checkLeaf(dir, name, subject, eku, dns, ips, caSki);
  // The service-account pair: a PEM public key (not a certificate) and its private half.
  const saPublic = join(dir, 'service-account.pem');
  assert.match(await readFile(saPublic, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(
    await openssl('rsa', '-pubin', '-in', saPublic, '-noout', '-modulus'),
    await openssl('rsa', '-in', join(dir, 'service-account-key.pem'), '-noout', '-modulus'),
  );
});
