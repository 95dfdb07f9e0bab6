import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { DocumentEvent } from '../../src/connector/events.js';
import type { SignatureCheck } from '../../src/connector/verification.js';
import { TrustStore } from '../../src/signature/trust-store.js';
import { verifyEdxml } from '../../src/signature/xmldsig/verify.js';
import { createTestPki, type TestPki } from '../../src/testing/test-pki.js';
import { createTestPdf } from '../../src/testing/test-pdf.js';
import { signPdf } from '../../src/signature/pdf/sign-pdf.js';
import { NGHE_AN, VPCP, letter, startNetwork, until, type Network } from '../helpers/connector-setup.js';

let pki: TestPki;
let trust: TrustStore;
let net: Network | undefined;

beforeAll(async () => {
  pki = await createTestPki();
  trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });
}, 120_000);
afterEach(async () => {
  await net?.close();
  net = undefined;
});

/** G22 sends one document (signed with `signer` when given) to H41, which verifies per `policy`. */
async function deliver(
  signer: TestPki['person'] | undefined,
  policy: {
    onInvalid: 'refuse' | 'hold' | 'accept';
    onIndeterminate?: 'refuse' | 'hold' | 'accept';
    checks?: SignatureCheck[];
    packageSignature?: 'required' | 'if-present';
    pdfSignatures?: 'required' | 'if-present' | 'off';
  },
  attachment?: Uint8Array,
): Promise<{ doc: DocumentEvent; documentId: string; network: Network }> {
  net = await startNetwork([VPCP, NGHE_AN], { connector: { now: () => pki.now } });
  const [g22, h41] = [net.sides[0]!, net.sides[1]!];
  if (signer) await g22.restart({ signing: { key: signer.privateKey, certificate: signer.certificate, chain: [pki.subCa.certificate] }, now: () => pki.now });
  // The XML-signature tests below require the package signature and leave the PDF check out;
  // the PDF tests at the end set both as they need.
  await h41.restart({ verification: { trust, packageSignature: 'required', pdfSignatures: 'off', ...policy }, now: () => pki.now });
  const docs: DocumentEvent[] = [];
  h41.connector.on('document', (d) => void docs.push(d));
  const over = attachment ? { attachments: [{ contentId: 'cv', name: 'cong-van.pdf', contentType: 'application/pdf', data: attachment }] } : {};
  const { documentId, delivered } = await g22.connector.send(letter(VPCP, [NGHE_AN], { promulgationInfo: { promulgationDate: pki.now.toISOString().slice(0, 10) }, ...over }));
  await delivered;
  await until([h41.connector], () => docs.length === 1);
  return { doc: docs[0]!, documentId, network: net };
}

describe('verification of received documents', () => {
  test('a document signed with a trusted certificate is valid and accepted; packages sent are signed', async () => {
    const { doc, network } = await deliver(pki.person, { onInvalid: 'refuse' });
    expect(doc.verification).toMatchObject({ verdict: 'valid', disposition: 'accepted', checks: [{ name: 'edxml', verdict: 'valid' }] });
    const h41 = network.sides[1]!;
    expect((await h41.store.getInbox(doc.inboxId))!.lifecycle).toBe('01');
    // the sender's outbox holds a signed package
    const [out] = await network.sides[0]!.store.listOutbox({ messageType: 'edoc' });
    const chunks: Buffer[] = [];
    for await (const c of await network.sides[0]!.store.openBlob(out!.blob.ref)) chunks.push(c as Buffer);
    expect((await verifyEdxml(Buffer.concat(chunks), { trust, at: pki.now })).verdict).toBe('valid');
  });

  test('an unsigned document is indeterminate and held for a person by default', async () => {
    const { doc, network } = await deliver(undefined, { onInvalid: 'refuse' });
    expect(doc.verification).toMatchObject({ verdict: 'indeterminate', disposition: 'held' });
    expect(doc.verification!.checks[0]!.reasons).toContain('SIGNATURE_ABSENT');
    expect((await network.sides[1]!.store.getInbox(doc.inboxId))!.lifecycle).toBe('01');
  });

  test('an invalid signature is refused by policy: 01, then 02 with the reason, seen by the sender', async () => {
    const { doc, documentId, network } = await deliver(pki.expired, { onInvalid: 'refuse' });
    expect(doc.verification).toMatchObject({ verdict: 'invalid', disposition: 'refused' });
    const [g22, h41] = [network.sides[0]!, network.sides[1]!];
    expect((await h41.store.getInbox(doc.inboxId))!.lifecycle).toBe('02');
    await until([h41.connector, g22.connector], async () => ((await g22.connector.tracking(documentId)).sent[0]?.recipients[0]?.events.length ?? 0) === 2);
    const events = (await g22.connector.tracking(documentId)).sent[0]!.recipients[0]!.events;
    expect(events.map((e) => e.code)).toEqual(['01', '02']);
    expect(events[1]!.description).toMatch(/^Chữ ký số không hợp lệ \/ signature not valid \(.*CERT_EXPIRED/);
  });

  test('an invalid signature may be held or accepted instead', async () => {
    const held = await deliver(pki.expired, { onInvalid: 'hold' });
    expect(held.doc.verification).toMatchObject({ verdict: 'invalid', disposition: 'held' });
    await net!.close();
    net = undefined;
    const accepted = await deliver(pki.expired, { onInvalid: 'accept' });
    expect(accepted.doc.verification).toMatchObject({ verdict: 'invalid', disposition: 'accepted' });
  });

  test('more checks plug in: their outcomes are kept and the worst verdict counts; a check that throws is indeterminate', async () => {
    const seen: string[] = [];
    const pdfLike: SignatureCheck = {
      name: 'pdf',
      async check({ message }) {
        seen.push(...message.attachments.map((a) => a.name));
        return message.attachments.map((a) => ({ name: `pdf:${a.name}`, verdict: 'invalid' as const, reasons: ['PDF_DIGEST_MISMATCH'] }));
      },
    };
    const broken: SignatureCheck = {
      name: 'broken',
      check: () => Promise.reject(Object.assign(new Error('no'), { code: 'VDXP_SIGNATURE_MALFORMED' })),
    };
    const { doc } = await deliver(pki.person, { onInvalid: 'hold', checks: [pdfLike, broken] });
    expect(seen).toEqual(['cong-van.pdf']);
    expect(doc.verification).toMatchObject({
      verdict: 'invalid',
      disposition: 'held',
      checks: [
        { name: 'edxml', verdict: 'valid' },
        { name: 'pdf:cong-van.pdf', verdict: 'invalid', reasons: ['PDF_DIGEST_MISMATCH'] },
        { name: 'broken', verdict: 'indeterminate', reasons: ['VDXP_SIGNATURE_MALFORMED'] },
      ],
    });
  });

  describe('the legal signatures in the PDF (Nghị định 30/2020, Art. 5)', () => {
    const signAs = (pdf: Uint8Array, who: TestPki['person']) =>
      signPdf(pdf, { key: who.privateKey, certificate: who.certificate, chain: [pki.subCa.certificate], signingTime: pki.now });

    test('a PDF signed by the person and then the organisation is valid and accepted, package signature or not', async () => {
      const pdf = await signAs(await signAs(createTestPdf({ text: 'Cong van so 1' }), pki.person), pki.organization);
      const { doc } = await deliver(undefined, { onInvalid: 'refuse', packageSignature: 'if-present', pdfSignatures: 'required' }, pdf);
      expect(doc.verification).toMatchObject({ verdict: 'valid', disposition: 'accepted', checks: [{ name: 'pdf:cong-van.pdf', verdict: 'valid' }] });
    });

    test("a PDF with the person's signature alone is incomplete and held for a person", async () => {
      const pdf = await signAs(createTestPdf({ text: 'Cong van so 2' }), pki.person);
      const { doc } = await deliver(undefined, { onInvalid: 'refuse', packageSignature: 'if-present', pdfSignatures: 'required' }, pdf);
      expect(doc.verification).toMatchObject({ verdict: 'indeterminate', disposition: 'held' });
      expect(doc.verification!.checks[0]!.reasons).toContain('PDF_SIGNATURES_INCOMPLETE');
    });

    test('by default an unsigned PDF is indeterminate and held, and the missing package signature is not held against it', async () => {
      const { doc } = await deliver(undefined, { onInvalid: 'refuse', packageSignature: 'if-present', pdfSignatures: 'required' }, createTestPdf());
      expect(doc.verification!.checks.map((c) => c.name)).toEqual(['pdf:cong-van.pdf']);
      expect(doc.verification).toMatchObject({ verdict: 'indeterminate', disposition: 'held' });
    });

    test('a PDF changed after signing is invalid and refused with 02', async () => {
      const pdf = Buffer.from(await signAs(await signAs(createTestPdf({ text: 'Cong van so 3' }), pki.person), pki.organization));
      const at = pdf.indexOf('Cong van so 3');
      pdf[at] = 'K'.charCodeAt(0);
      const { doc, network } = await deliver(undefined, { onInvalid: 'refuse', packageSignature: 'if-present', pdfSignatures: 'required' }, new Uint8Array(pdf));
      expect(doc.verification).toMatchObject({ verdict: 'invalid', disposition: 'refused' });
      expect(doc.verification!.checks[0]!.reasons).toContain('DIGEST_MISMATCH');
      expect((await network.sides[1]!.store.getInbox(doc.inboxId))!.lifecycle).toBe('02');
    });
  });
});
