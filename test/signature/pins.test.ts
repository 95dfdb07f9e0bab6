import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sharedFixtures } from '../helpers/shared-fixtures.js';
import { TrustStore } from '../../src/signature/trust-store.js';
import { TRUST_PINS, findPin } from '../../src/signature/pins.js';
import { toCertificateDer, certificateFromDer, summarizeCertificate } from '../../src/signature/certificate.js';
import { createTestPki } from '../../src/testing/index.js';

const dir = sharedFixtures('pki');
/** Bytes as published: most files are PEM, the national root is DER despite its name. */
const read = async (name: string) => new Uint8Array(await readFile(join(dir!, name)));

describe('built-in pins', () => {
  test('are lowercase SHA-256 hex, unique, and found in any case with colons', () => {
    for (const pin of TRUST_PINS) expect(pin.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(TRUST_PINS.map((p) => p.sha256)).size).toBe(TRUST_PINS.length);
    const colon = 'F0:4B:A4:B4:59:A7:C9:A1:B9:71:AD:9B:1C:B8:33:E6:95:A8:0C:79:AE:A6:3B:17:4B:66:A7:0E:DF:E2:FD:B8';
    expect(findPin(colon)?.id).toBe('vgca-g2-root');
  });

  test('a generated certificate offered as a pinned anchor is refused with its fingerprint', async () => {
    const pki = await createTestPki({ keyType: 'ec' });
    const trust = TrustStore.create();
    expect(() => trust.addPinnedAnchor(pki.root.certificatePem)).toThrow(
      expect.objectContaining({ code: 'VDXP_TRUST_ANCHOR_REFUSED', fingerprint: pki.root.sha256 }),
    );
    expect(trust.listAnchors()).toEqual([]);
  });
});

describe.skipIf(!dir)('pins against the published CA files', () => {
  const files: Record<string, string> = {
    'vgca/g1-rootca.pem': 'vgca-g1-root',
    'vgca/g2-rootca.pem': 'vgca-g2-root',
    'vgca/g1-cp.pem': 'vgca-g1-cp',
    'vgca/g2-cpca.pem': 'vgca-g2-cpca',
    'neac-vnrca256.pem': 'national-root',
  };

  test.each(Object.entries(files))('%s matches pin %s', async (file, id) => {
    const der = toCertificateDer(await read(file));
    expect(findPin(certificateFromDer(der).sha256)?.id).toBe(id);
  });

  test('the VGCA files are accepted as pinned anchors', async () => {
    const trust = TrustStore.create();
    for (const f of ['vgca/g1-rootca.pem', 'vgca/g2-rootca.pem', 'vgca/g1-cp.pem', 'vgca/g2-cpca.pem']) trust.addPinnedAnchor(await read(f));
    expect(trust.listAnchors().map((a) => a.pin?.id).sort()).toEqual(['vgca-g1-cp', 'vgca-g1-root', 'vgca-g2-cpca', 'vgca-g2-root']);
  });

  test('the national root is refused unless nationalRoot is set', async () => {
    const pem = await read('neac-vnrca256.pem');
    expect(() => TrustStore.create().addPinnedAnchor(pem)).toThrow(expect.objectContaining({ code: 'VDXP_TRUST_ANCHOR_REFUSED' }));
    expect(TrustStore.create({ nationalRoot: true }).addPinnedAnchor(pem).id).toBe('national-root');
  });

  test('a CA file that is not pinned (a G1 ministry sub-CA) is refused', async () => {
    const trust = TrustStore.create();
    const der = toCertificateDer(await read('vgca/g1-btc.pem'));
    expect(() => trust.addPinnedAnchor(der)).toThrow(
      expect.objectContaining({ code: 'VDXP_TRUST_ANCHOR_REFUSED', fingerprint: 'a262cfa489dbbe666f8b89fab832547809874d5a06fa9f7a38fc227ebdf40514' }),
    );
  });

  test('G1 sha1WithRSA certificates parse, and the G1 sub-CA chains to the G1 root in 2024 with a SHA-1 warning', async () => {
    const trust = TrustStore.create({ pinnedAnchors: [await read('vgca/g1-rootca.pem')] });
    const sub = toCertificateDer(await read('vgca/g1-cp.pem'));
    expect(summarizeCertificate(sub).commonName).toBe('Co quan chung thuc so Chinh phu');
    const r = await trust.verifyCertificate(sub, { at: new Date('2024-06-01T00:00:00Z'), usage: 'ca', policy: { revocation: 'off' } });
    expect(r.verdict).toBe('valid');
    expect(r.reasons.map((x) => x.code)).toEqual(['ALGORITHM_LEGACY_SHA1', 'REVOCATION_NOT_CHECKED']);
    expect(r.anchor?.sha256).toBe('f7bc89054cec7f12730d7b8cd3eb7955b163835087e5eb873edfb584763b3f90');
  });

  test('the G1 chain is invalid when the policy refuses SHA-1', async () => {
    const trust = TrustStore.create({ pinnedAnchors: [await read('vgca/g1-rootca.pem')] });
    const sub = toCertificateDer(await read('vgca/g1-bng.pem'));
    const r = await trust.verifyCertificate(sub, { at: new Date('2024-06-01T00:00:00Z'), usage: 'ca', policy: { revocation: 'off', allowLegacySha1: false } });
    expect(r.verdict).toBe('invalid');
    expect(r.reasons.map((x) => x.code)).toContain('ALGORITHM_SHA1_REFUSED');
  });

  test('the G2 sub-CA chains to the G2 root without warnings', async () => {
    const trust = TrustStore.create({ pinnedAnchors: [await read('vgca/g2-rootca.pem')] });
    const r = await trust.verifyCertificate(toCertificateDer(await read('vgca/g2-cpca.pem')), { at: new Date('2025-01-01T00:00:00Z'), usage: 'ca', policy: { revocation: 'off' } });
    expect(r.verdict).toBe('valid');
    expect(r.reasons.map((x) => x.code)).toEqual(['REVOCATION_NOT_CHECKED']);
  });
});
