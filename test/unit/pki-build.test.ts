import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import forge from 'node-forge';
import {
  BACKDATE_MINUTES,
  buildCaCertificate,
  buildLeafCertificate,
  generateKeyPair,
  keyMatches,
  serialFromRandom,
  signedBy,
  summarize,
} from '../../src/adapters/pki/forge-build.js';
import { CA_SUBJECT, leafSpecs } from '../../src/adapters/pki/profiles.js';

test('serials are positive and minimally encoded, whatever the random bytes (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const hex = serialFromRandom(bytes);
      const first = parseInt(hex.slice(0, 2), 16);
      assert.ok(first >= 0x40 && first < 0x80, hex);
      assert.equal(hex.length, 32);
    }),
  );
});

test('validity windows follow the injected clock: notBefore backdated, notAfter N days on', async () => {
  const now = new Date('2031-03-04T05:06:07Z');
  const keys = await generateKeyPair(1024);
  const ca = buildCaCertificate(keys, CA_SUBJECT, {
    now,
    days: 3650,
    serial: serialFromRandom(new Uint8Array(16)),
  });
  assert.equal(ca.validity.notBefore.getTime(), now.getTime() - BACKDATE_MINUTES * 60_000);
  assert.equal(ca.validity.notAfter.toISOString(), '2041-03-01T05:06:07.000Z');
  const [admin] = leafSpecs('simple', 'node');
  const leafKeys = await generateKeyPair(1024);
  const leaf = buildLeafCertificate(
    admin!,
    leafKeys.publicKey,
    { dns: ['localhost'], ips: ['127.0.0.1'] },
    { cert: ca, key: keys.privateKey },
    { now, days: 30, serial: serialFromRandom(new Uint8Array(16).fill(0xff)) },
  );
  assert.equal(leaf.validity.notBefore.toISOString(), '2031-03-04T05:01:07.000Z');
  assert.equal(leaf.validity.notAfter.toISOString(), '2031-04-03T05:06:07.000Z');
  assert.ok(signedBy(leaf, ca));
  assert.ok(keyMatches(leaf.publicKey, leafKeys.privateKey));
  assert.ok(!keyMatches(leaf.publicKey, keys.privateKey));
  const summary = summarize(leaf);
  assert.deepEqual(
    [summary.cn, summary.o, summary.serverAuth, summary.clientAuth],
    ['admin', ['system:masters'], true, true],
  );
  assert.deepEqual([summary.dns, summary.ips], [['localhost'], ['127.0.0.1']]);
  assert.equal(leaf.serialNumber, '7f'.repeat(1) + 'ff'.repeat(15));
  // The authority key identifier is the CA's subject key identifier, not the leaf's own.
  const onDisk = forge.pki.certificateFromPem(forge.pki.certificateToPem(leaf));
  const aki = onDisk.getExtension('authorityKeyIdentifier') as { value: string };
  assert.equal(forge.util.bytesToHex(aki.value), `30168014${ca.generateSubjectKeyIdentifier().toHex()}`);
});

test('a certificate from another CA is not taken as signed by this one', async () => {
  const now = new Date();
  const serial = serialFromRandom(new Uint8Array(16).fill(1));
  const [keysA, keysB, leafKeys] = await Promise.all([
    generateKeyPair(1024),
    generateKeyPair(1024),
    generateKeyPair(1024),
  ]);
  const caA = buildCaCertificate(keysA, CA_SUBJECT, { now, days: 10, serial });
  const caB = buildCaCertificate(keysB, CA_SUBJECT, { now, days: 10, serial });
  const [spec] = leafSpecs('per-component', 'node');
  const leaf = buildLeafCertificate(
    spec!,
    leafKeys.publicKey,
    { dns: [], ips: [] },
    { cert: caA, key: keysA.privateKey },
    {
      now,
      days: 10,
      serial,
    },
  );
  assert.ok(signedBy(leaf, caA));
  assert.ok(!signedBy(leaf, caB), 'same subject, other key');
});
