import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UsageError } from '../../src/errors.js';
import {
  discoverAddresses,
  firstServiceAddress,
  normalizeDnsName,
  normalizeIp,
  planSans,
} from '../../src/adapters/pki/sans.js';
import { fakeHost } from './pki-fakes.js';

test('the first service address is the network address plus one', () => {
  assert.equal(firstServiceAddress('10.0.0.0/24'), '10.0.0.1');
  assert.equal(firstServiceAddress('10.96.0.0/12'), '10.96.0.1');
  assert.equal(firstServiceAddress('10.0.0.77/24'), '10.0.0.1', 'host bits are cleared');
  assert.equal(firstServiceAddress('172.16.255.0/16'), '172.16.0.1');
  assert.equal(firstServiceAddress('fd00:10:96::/108'), 'fd00:10:96::1');
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/31', 'ten/8', '10.0.0.0/24/1', '']) {
    assert.throws(() => firstServiceAddress(bad), UsageError, bad);
  }
});

test('the first service address lies inside the CIDR (property)', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 30 }), (ip, bits) => {
      const first = firstServiceAddress(`${ip}/${bits}`);
      const toInt = (a: string) => a.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
      const size = 2 ** (32 - bits);
      assert.equal(toInt(first) % size, 1);
      assert.equal(Math.floor(toInt(first) / size), Math.floor(toInt(ip) / size));
    }),
  );
});

test('discovery keeps non-loopback addresses and drops link-local IPv6', () => {
  assert.deepEqual(discoverAddresses(fakeHost()), ['192.168.1.20', '2001:db8::7']);
});

test('names and addresses are validated and normalized', () => {
  assert.equal(normalizeDnsName('Node-1.Example.COM.'), 'node-1.example.com');
  assert.equal(normalizeIp('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(normalizeIp('::ffff:10.0.0.1'), '::ffff:a00:1');
  assert.throws(() => normalizeDnsName('under_score'), UsageError);
  assert.throws(() => normalizeDnsName('-bad'), UsageError);
  assert.throws(() => normalizeIp('300.1.1.1'), UsageError);
});

test('serving SANs cover the machine, the extras, the service IP and the in-cluster names', () => {
  const plan = planSans(
    { hostnames: ['Kube.Example'], ips: ['203.0.113.9'], serviceCidr: '10.32.0.0/24' },
    fakeHost(),
  );
  assert.deepEqual(plan.machine, {
    dns: ['localhost', 'learner-box', 'kube.example'],
    ips: ['127.0.0.1', '192.168.1.20', '2001:db8::7', '203.0.113.9'],
  });
  assert.deepEqual(plan.apiserver.dns, [
    'localhost',
    'learner-box',
    'kube.example',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ]);
  assert.deepEqual(plan.apiserver.ips, [
    '127.0.0.1',
    '192.168.1.20',
    '2001:db8::7',
    '203.0.113.9',
    '10.32.0.1',
  ]);
  // What the user asked for is required of a kept certificate; discovered names are not.
  assert.ok(plan.required.dns.includes('kube.example') && !plan.required.dns.includes('learner-box'));
  assert.ok(plan.required.ips.includes('10.32.0.1') && !plan.required.ips.includes('192.168.1.20'));
});

test('the default service CIDR gives 10.0.0.1 and duplicates are dropped', () => {
  const plan = planSans(
    { hostnames: ['localhost', 'kubernetes'], ips: ['127.0.0.1'] },
    fakeHost('kubernetes'),
  );
  assert.deepEqual(plan.apiserver.ips, ['127.0.0.1', '192.168.1.20', '2001:db8::7', '10.0.0.1']);
  assert.equal(plan.apiserver.dns.filter((n) => n === 'kubernetes').length, 1);
});
