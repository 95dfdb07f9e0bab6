// Signing a PDF when the private key is not in the program: a remote signing service, and a
// USB token behind a signing plugin.
//
// Officials' keys live in the Government CA's remote signing service or on USB tokens; the
// document system never holds them. Two shapes cover both:
//
// 1. `signPdf` with an external signer (`{ signDigest(digest, request) }`): the library
//    prepares the signature and hands over only a digest; here a signing service on loopback
//    (standing in for the CA's) signs it after the official "confirms on the phone".
// 2. `preparePdfSignature` + `embedPdfSignature`: the server prepares the PDF, the bytes to be
//    signed (the CMS signed attributes) travel to the token's plugin on the clerk's computer,
//    and the signature comes back to be embedded — the PDF never leaves the server.
//
// The result carries the competent person's and the body's signatures and verifies as legally
// complete (Nghị định 30/2020 Art. 5); a token holding the wrong key is caught.
// Run: node examples/external-signing.mjs
import { constants, createPrivateKey, privateEncrypt, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { embedPdfSignature, preparePdfSignature, signPdf, TrustStore, verifyPdf } from 'vdxp-connector';
import { createTestPdf, createTestPki } from 'vdxp-connector/testing';

const pki = await createTestPki(); // the CA's certificates and the officials' keys, for the example
const trust = TrustStore.create({ customAnchors: [pki.root.certificate], intermediates: [pki.subCa.certificate], crls: [pki.crl(), pki.rootCrl()] });

// --- 1. a remote signing service (its own process and machine in real life) ---------------------
// It keeps the person's key and signs a DigestInfo with RSA PKCS#1 v1.5, as a PKCS#11
// CKM_RSA_PKCS operation does. Nothing but the digest reaches it.
const keys = { 'nguyen-van-an': createPrivateKey(pki.person.privateKeyPem) };
const service = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const { user, digestInfo } = JSON.parse(body);
  console.log(`  signing service: ${user} confirmed the request on the phone`);
  const signature = privateEncrypt({ key: keys[user], padding: constants.RSA_PKCS1_PADDING }, Buffer.from(digestInfo, 'base64'));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ signature: signature.toString('base64') }));
});
await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
const serviceUrl = `http://127.0.0.1:${service.address().port}/sign`;

/** The external signer the library calls: POSTs the DigestInfo, returns the signature bytes. */
const remoteSigner = (user) => ({
  async signDigest(digest, request) {
    console.log(`  document system: asking the service to sign a ${request.hash} digest for ${user} (${request.algorithm})`);
    const res = await fetch(serviceUrl, { method: 'POST', body: JSON.stringify({ user, digestInfo: Buffer.from(request.digestInfo).toString('base64') }) });
    if (!res.ok) throw new Error(`the signing service answered ${res.status}`);
    return new Uint8Array(Buffer.from((await res.json()).signature, 'base64'));
  },
});

// --- 2. a USB token behind the signing plugin on the clerk's computer ---------------------------
// It signs the bytes it is given with RSA-SHA256 (the plugin's usual "sign data" call).
const token = (key) => ({ sign: async (data) => new Uint8Array(sign('sha256', data, key)) });

try {
  const pdf = createTestPdf({ text: 'Quyet dinh so 45/QD-UBND' });

  console.log('1. the competent person signs through the remote signing service');
  const byPerson = await signPdf(pdf, {
    key: remoteSigner('nguyen-van-an'),
    certificate: pki.person.certificate, // the service gives out the certificate; only the key stays there
    reason: 'Ký ban hành',
    appearance: { preset: 'person' },
  });

  console.log('2. the clerk adds the body’s signature with the token');
  /** Prepare on the server, sign on the token, embed on the server. */
  async function signWithToken(input, tokenDevice) {
    const prepared = preparePdfSignature(input, {
      certificate: pki.organization.certificate,
      reason: 'Phát hành',
      subFilter: 'ETSI.CAdES.detached',
      appearance: { preset: 'organization', documentCode: '45/QĐ-UBND' },
    });
    const toBeSigned = prepared.signedAttributes(pki.organization.certificate);
    console.log(`  server: prepared ${prepared.field}, ${toBeSigned.length} bytes go to the plugin (digest ${Buffer.from(prepared.digest).toString('hex').slice(0, 16)}…)`);
    const signature = await tokenDevice.sign(toBeSigned);
    const cms = prepared.createCms({ certificate: pki.organization.certificate, chain: [pki.subCa.certificate], signature });
    return embedPdfSignature(prepared, cms);
  }
  const issued = await signWithToken(byPerson, token(pki.organization.privateKey));

  const report = await verifyPdf(issued, { trust });
  for (const s of report.signatures) console.log(`  ${s.field}: ${s.verdict}, ${s.role}, ${s.signer?.commonName}`);
  console.log(`legally complete: ${report.legallyComplete}`);

  // A token that holds another key: the CMS is well-formed, the verification says no.
  console.log('3. the same with a token holding another key');
  const wrong = await verifyPdf(await signWithToken(byPerson, token(pki.revoked.privateKey)), { trust });
  const why = wrong.signatures.at(-1).reasons.filter((r) => r.severity === 'error').map((r) => r.messageVi);
  console.log(`  ${wrong.signatures.at(-1).field}: ${wrong.verdict} — ${why.join('; ')}`);

  if (!report.legallyComplete || report.verdict !== 'valid' || wrong.verdict !== 'invalid') process.exitCode = 1;
} finally {
  service.close();
}
