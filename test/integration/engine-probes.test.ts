import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { createProber } from '../../src/adapters/probes/probes.js';
import type { Probe } from '../../src/lesson/model.js';
import { freePort, tempWorkdir } from './engine-helpers.js';

/** A CA, a server+client certificate for 127.0.0.1, and a certificate from another CA, made by openssl. */
async function makeCerts(dir: string): Promise<void> {
  const sh = `set -e; mkdir -p certs; cd certs
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $ec -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=ca 2>/dev/null
openssl req $ec -keyout admin-key.pem -out admin.csr -subj /CN=admin 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > ext
openssl x509 -req -in admin.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out admin.pem -days 1 -extfile ext 2>/dev/null
openssl req -x509 $ec -keyout other-key.pem -out other.pem -days 1 -subj /CN=other 2>/dev/null`;
  await execa('bash', ['-c', sh], { cwd: dir });
}

function listen(server: Server | ReturnType<typeof createHttpServer>, port: number): Promise<void> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

const context = (session = 'shell', logOffset = 0) => ({
  session,
  logOffset,
  signal: AbortSignal.timeout(5000),
});

test('tcp and unix probes: refused until something listens', async (t) => {
  const dir = await tempWorkdir(t, 'dm-probe-');
  const prober = createProber({
    workdir: dir,
    logFile: (s) => join(dir, `${s}.log`),
    path: process.env.PATH ?? '',
  });
  const port = await freePort();
  const tcp: Probe = { kind: 'tcp', host: '127.0.0.1', port, raw: `tcp:127.0.0.1:${port}` };
  assert.deepEqual(await prober.probe(tcp, context()), { ok: false, detail: 'ECONNREFUSED' });
  const server = createServer((s) => s.end());
  await listen(server, port);
  t.after(() => server.close());
  assert.deepEqual(await prober.probe(tcp, context()), { ok: true, detail: 'connected' });
  // unix: a path relative to the work directory.
  const unix: Probe = { kind: 'unix', path: 'app.sock', raw: 'unix:app.sock' };
  assert.equal((await prober.probe(unix, context())).ok, false);
  const socketServer = createServer((s) => s.end());
  await new Promise<void>((resolve) => socketServer.listen(join(dir, 'app.sock'), () => resolve()));
  t.after(() => socketServer.close());
  assert.equal((await prober.probe(unix, context())).ok, true);
});

test('http(s) probes use the lesson CA and client certificate; only 2xx is ready', async (t) => {
  const dir = await tempWorkdir(t, 'dm-probe-');
  await makeCerts(dir);
  const read = (f: string) => readFile(join(dir, 'certs', f));
  let status = 503;
  const server = createHttpsServer(
    {
      key: await read('admin-key.pem'),
      cert: await read('admin.pem'),
      ca: await read('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (_, res) => res.writeHead(status).end('{"health":"true"}'),
  );
  const port = await freePort();
  await listen(server, port);
  t.after(() => server.close());
  const probe: Probe = {
    kind: 'http',
    url: `https://127.0.0.1:${port}/health`,
    raw: `https://127.0.0.1:${port}/health`,
  };
  const make = (cert: string, key: string) =>
    createProber({
      workdir: dir,
      logFile: () => '',
      path: '',
      tls: { ca: 'certs/ca.pem', cert: `certs/${cert}`, key: `certs/${key}` },
    });
  const good = make('admin.pem', 'admin-key.pem');
  assert.deepEqual(await good.probe(probe, context()), { ok: false, detail: 'HTTP 503' });
  status = 200;
  assert.deepEqual(await good.probe(probe, context()), { ok: true, detail: 'HTTP 200' });
  // A client certificate from another CA is refused by the server.
  assert.equal((await make('other.pem', 'other-key.pem').probe(probe, context())).ok, false);
  // Without the lesson's CA the server's certificate is not trusted.
  const noCa = createProber({ workdir: dir, logFile: () => '', path: '' });
  assert.match((await noCa.probe(probe, context())).detail, /SELF_SIGNED|UNABLE_TO_VERIFY|unable to verify/i);
  // Plain http.
  const plain = createHttpServer((_, res) => res.writeHead(204).end());
  const plainPort = await freePort();
  await listen(plain, plainPort);
  t.after(() => plain.close());
  const http: Probe = { kind: 'http', url: `http://127.0.0.1:${plainPort}/healthz`, raw: '' };
  assert.deepEqual(await noCa.probe(http, context()), { ok: true, detail: 'HTTP 204' });
});

test('log probes look at the session log from the step offset on, escapes removed; cmd probes run in the workdir', async (t) => {
  const dir = await tempWorkdir(t, 'dm-probe-');
  const logFile = join(dir, 'etcd.log');
  await writeFile(logFile, 'old run: serving client traffic\n');
  const offset = (await readFile(logFile)).length;
  const prober = createProber({
    workdir: dir,
    logFile: (s) => join(dir, `${s}.log`),
    path: process.env.PATH ?? '',
  });
  const log: Probe = { kind: 'log', pattern: 'serving client traffic', flags: '', raw: '' };
  assert.equal((await prober.probe(log, context('etcd', offset))).ok, false, 'an earlier run does not count');
  await appendFile(logFile, '\x1b[32mserving \x1b[0mclient traffic securely\r\n');
  assert.equal((await prober.probe(log, context('etcd', offset))).ok, true);
  await writeFile(join(dir, 'flag'), '');
  const cmd: Probe = { kind: 'cmd', command: 'test -e flag', raw: '' };
  assert.deepEqual(await prober.probe(cmd, context()), { ok: true, detail: 'exit 0' });
  assert.deepEqual(await prober.probe({ ...cmd, command: 'test -e nothing' }, context()), {
    ok: false,
    detail: 'exit 1',
  });
});

test('a log probe whose pattern backtracks gives up at its deadline instead of blocking the event loop', async (t) => {
  const dir = await tempWorkdir(t, 'dm-probe-');
  await writeFile(join(dir, 'etcd.log'), `${'a'.repeat(40)}b\n`);
  const prober = createProber({
    workdir: dir,
    logFile: (s) => join(dir, `${s}.log`),
    path: process.env.PATH ?? '',
    attemptTimeoutMs: 1000,
  });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 50);
  t.after(() => clearInterval(timer));
  const probe: Probe = { kind: 'log', pattern: '^(a+)+$', flags: 'm', raw: '' };
  const result = await prober.probe(probe, context('etcd', 0));
  assert.equal(result.ok, false);
  assert.match(result.detail, /still matching after \d+ ms/);
  // The main thread kept ticking while the worker backtracked.
  assert.ok(ticks >= 5, `the event loop ticked ${ticks} times`);
});

test('with a command prefix, network probes run in a child process started through it', async (t) => {
  const dir = await tempWorkdir(t, 'dm-probe-');
  const port = await freePort();
  const server = createServer((s) => s.end());
  await listen(server, port);
  t.after(() => server.close());
  // `env` stands in for `nsenter --net=...`: same shape, a command that runs the rest of its arguments.
  const prober = createProber({
    workdir: dir,
    logFile: () => '',
    path: '',
    prefix: ['env', 'DEMYSTIFY_PROBE_TEST=1'],
  });
  const tcp: Probe = { kind: 'tcp', host: '127.0.0.1', port, raw: '' };
  assert.deepEqual(await prober.probe(tcp, context()), { ok: true, detail: 'connected' });
  assert.deepEqual(await prober.probe({ ...tcp, port: await freePort() }, context()), {
    ok: false,
    detail: 'ECONNREFUSED',
  });
});
