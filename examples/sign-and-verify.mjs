// Signing a package (enveloped XMLDSig, rsa-sha256) and verifying it against a trust store.
// A real system loads the Government CA files it downloaded (TrustStore.addTrustFile, checked
// against the built-in pins); this example generates a test PKI with the same profile.
// Run: node examples/sign-and-verify.mjs
import { buildEdxml, signEdxml, TrustStore, verifyEdxml } from 'vdxp-connector';
import { createTestPki, sampleEdoc } from 'vdxp-connector/testing';

const pki = await createTestPki();
const trust = TrustStore.create({
  customAnchors: [pki.root.certificate], // explicit: a test root is no Government CA
  intermediates: [pki.subCa.certificate],
  crls: [pki.crl(), pki.rootCrl()],
});

const pkg = buildEdxml(sampleEdoc());
const signed = await signEdxml(pkg, { key: pki.organization.privateKey, certificate: pki.organization.certificate, chain: [pki.subCa.certificate] });

const report = await verifyEdxml(signed, { trust });
console.log(`verdict: ${report.verdict}; signer: ${report.signer?.commonName}; issuer: ${report.issuer?.commonName}`);
console.log(`revocation: ${report.revocation?.status} (${report.revocation?.method})`);

// One changed byte in the subject: the clerk's screen says why, in Vietnamese.
const tampered = new TextEncoder().encode(new TextDecoder().decode(signed).replace('liên thông', 'liên kết'));
const bad = await verifyEdxml(tampered, { trust });
console.log(`tampered: ${bad.verdict}: ${bad.reasons.map((r) => r.messageVi).join('; ')}`);
if (report.verdict !== 'valid' || bad.verdict !== 'invalid') process.exitCode = 1;
