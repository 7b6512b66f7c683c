import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { alive, demystify, freePort, tempDir } from './pki-helpers.js';

interface Tls {
  ca: string;
  cert?: string;
  key?: string;
}

/** GET https://127.0.0.1:port/health with Node's own client, checking the server's name against `servername`. */
function health(port: number, tls: Tls, servername?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/health',
        ...tls,
        ...(servername ? { servername } : {}),
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function readTls(dir: string, client?: string): Promise<Tls> {
  const ca = await readFile(join(dir, 'ca.pem'), 'utf8');
  if (!client) return { ca };
  const [cert, key] = await Promise.all([
    readFile(join(dir, `${client}.pem`), 'utf8'),
    readFile(join(dir, `${client}-key.pem`), 'utf8'),
  ]);
  return { ca, cert, key };
}

/**
 * Start Debian's etcd 3.4 with client certificate authentication on free ports, wait until Node's https
 * client gets a healthy answer with the client certificate, run `check`, then end etcd by PID.
 */
async function withEtcd(
  work: string,
  certs: { dir: string; server: string; client: string },
  check: (port: number) => Promise<void>,
): Promise<void> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const file = (name: string) => join(certs.dir, name);
  const peer = `http://127.0.0.1:${peerPort}`;
  const etcd: ResultPromise = execa(
    'etcd',
    [
      '--name=dm',
      `--data-dir=${join(work, 'etcd-data')}`,
      `--listen-client-urls=https://127.0.0.1:${clientPort}`,
      `--advertise-client-urls=https://127.0.0.1:${clientPort}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=dm=${peer}`,
      '--client-cert-auth',
      `--trusted-ca-file=${file('ca.pem')}`,
      `--cert-file=${file(`${certs.server}.pem`)}`,
      `--key-file=${file(`${certs.server}-key.pem`)}`,
      '--logger=zap',
    ],
    { reject: false, all: true, cleanup: true },
  );
  const pid = etcd.pid as number;
  try {
    const tls = await readTls(certs.dir, certs.client);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await health(clientPort, tls).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (etcd.exitCode !== undefined && etcd.exitCode !== null)
        assert.fail(`etcd exited: ${(await etcd).all}`);
      if (Date.now() > deadline) assert.fail('etcd did not become healthy in 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await check(clientPort);
  } finally {
    process.kill(pid, 'SIGTERM');
    await etcd;
    assert.equal(alive(pid), false, 'etcd is gone');
  }
}

/** How etcd refuses a TLS client without an acceptable certificate: a handshake alert (TLS 1.2 or 1.3 wording). */
const REFUSED = /alert bad certificate|alert certificate required/;

async function etcdctlHealth(port: number, host: string, dir: string, client: string): Promise<string> {
  const result = await execa(
    'etcdctl',
    [
      `--endpoints=https://${host}:${port}`,
      `--cacert=${join(dir, 'ca.pem')}`,
      `--cert=${join(dir, `${client}.pem`)}`,
      `--key=${join(dir, `${client}-key.pem`)}`,
      'endpoint',
      'health',
    ],
    { env: { ETCDCTL_API: '3' }, all: true },
  );
  return result.all ?? '';
}

test('simple profile: real etcd with --client-cert-auth serves admin, refuses anonymous', async (t) => {
  const work = await tempDir(t, 'demystify-pki-etcd-');
  const dir = join(work, 'certs');
  const other = join(work, 'other');
  await demystify(['pki', '--dir', dir]);
  await demystify(['pki', '--dir', other]);
  await withEtcd(work, { dir, server: 'admin', client: 'admin' }, async (port) => {
    assert.match(
      await etcdctlHealth(port, '127.0.0.1', dir, 'admin'),
      /is healthy: successfully committed proposal/,
    );
    assert.match(await etcdctlHealth(port, 'localhost', dir, 'admin'), /is healthy/);
    const ok = await health(port, await readTls(dir, 'admin'), hostname().toLowerCase());
    assert.deepEqual([ok.status, JSON.parse(ok.body).health], [200, 'true']);
    // No client certificate: the TLS handshake is refused, no HTTP answer at all.
    await assert.rejects(health(port, await readTls(dir)), REFUSED);
    // A client certificate from another CA: refused too.
    const stranger = { ...(await readTls(other, 'admin')), ca: (await readTls(dir)).ca };
    await assert.rejects(health(port, stranger), REFUSED);
  });
});

test('per-component profile: etcd serves etcd-server, the API server reaches it as apiserver-etcd-client', async (t) => {
  const work = await tempDir(t, 'demystify-pki-etcd-');
  const dir = join(work, 'certs');
  await demystify(['pki', '--dir', dir, '--profile', 'per-component']);
  await withEtcd(work, { dir, server: 'etcd-server', client: 'apiserver-etcd-client' }, async (port) => {
    assert.match(await etcdctlHealth(port, '127.0.0.1', dir, 'apiserver-etcd-client'), /is healthy/);
    const ok = await health(port, await readTls(dir, 'apiserver-etcd-client'), 'localhost');
    assert.equal(ok.status, 200);
    await assert.rejects(health(port, await readTls(dir)), REFUSED);
    // etcd-server is not for the in-cluster names: a client checking for 'kubernetes' refuses it.
    await assert.rejects(
      health(port, await readTls(dir, 'apiserver-etcd-client'), 'kubernetes'),
      /altnames/i,
    );
  });
});
