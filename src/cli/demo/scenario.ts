/**
 * The demo story, on one machine with no setup, using only the public API:
 *
 * - a national LocalAxis (the ministry) and a provincial LocalAxis under it (the province and
 *   a commune, each with its own system), forwarding to each other;
 * - three agencies with their own FileStore in a temporary folder, their own test
 *   certificates (the competent person's and the body's) and a Connector;
 * - a Công văn whose PDF is signed by the person, then by the body, sent from the ministry to
 *   the province and the commune, received, verified, and taken through 01 → 03 → 04 → 05 →
 *   06; an update answered 15; a take-back (13) answered 16 by one and 15 by the other;
 * - the ministry's tracking table and compliance report, written as HTML to `reportPath`.
 *
 * Each step is printed in plain language; the first failing step stops the story with a
 * `VDXP_CLI_DEMO_FAILED` (or the library's own) error, and everything is torn down.
 * @internal
 * @module
 */
import { existsSync } from 'node:fs';
import { AxisClient } from '../../index.js';
import { CAST, COMMUNE, MINISTRY, named, PROVINCE, PROVINCIAL_LINK } from './cast.js';
import type { DemoOutput } from './demo-output.js';
import { DemoWorld, expectStep } from './demo-world.js';
import { issueSignedLetter, LETTER_CODE } from './signed-letter.js';
import { printPdfSignatures, receiveLetter, sendLetter } from './steps-delivery.js';
import { processLetter } from './steps-processing.js';
import { printTracking, writeComplianceReport } from './steps-report.js';
import { takeBackLetter, updateLetter } from './steps-requests.js';

export type { DemoOutput } from './demo-output.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the HTML compliance report is written (outside the temporary folder). */
  readonly reportPath: string;
  /** Aborting it stops the story. */
  readonly signal?: AbortSignal;
}

/** Runs the story; throws at the first step that fails, after tearing everything down. */
export async function runDemo(out: DemoOutput, options: DemoOptions): Promise<void> {
  const world = await DemoWorld.create(options.signal);
  try {
    out.step('Generating test certificates: a root and a sub-CA with the Government CA profile, a person’s and a body’s certificate per agency');
    const pki = await world.issueCertificates();
    out.detail(`root: ${pki.root.subject}`);
    for (const a of CAST) {
      const c = world.certificates.get(a.key)!;
      out.detail(`${a.organName}: person ${a.leader.name} (${a.leader.title}), body certificate serial ${c.organization.serialNumber}`);
    }

    out.step('Starting the national axis (trục quốc gia) and a provincial axis (trục tỉnh) under it, on loopback');
    await world.startAxes();
    out.detail(`national axis ${world.national!.url}: ${named(MINISTRY)}, and the provincial link system ${PROVINCIAL_LINK.systemId}`);
    out.detail(`provincial axis ${world.provincial!.url}: ${named(PROVINCE)}, ${named(COMMUNE)}`);
    const directory = await new AxisClient({ endpoint: world.national!.url, systemId: MINISTRY.organId, secret: MINISTRY.secret }).getAgenciesList({
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const codes = directory.items.map((a) => a.code);
    expectStep([PROVINCE.organId, COMMUNE.organId].every((c) => codes.includes(c)), 'the national directory does not list the provincial units');
    out.detail(`the national directory now lists ${codes.length} agencies, the province and the commune among them (registered by the provincial axis)`);

    out.step('Opening each agency’s FileStore (in a temporary folder) and Connector (signing what it sends, verifying what it receives)');
    await world.connect();
    for (const p of world.parties.values()) out.detail(`${named(p.agency)} — ${p.agency.english}: store ${p.dir}`);

    out.step(`The ministry issues Công văn ${LETTER_CODE}: its PDF signed by ${MINISTRY.leader.name}, then by ${MINISTRY.organName} (Nghị định 30/2020 appearances)`);
    const ministryCerts = world.certificates.get('ministry')!;
    const letter = await issueSignedLetter(MINISTRY, ministryCerts, [PROVINCE, COMMUNE], pki, world.trust!);
    out.detail(`PDF of ${letter.pdf.length} bytes; the sender checks it before sending:`);
    printPdfSignatures(out, letter.check);
    expectStep(letter.check.verdict === 'valid' && letter.check.legallyComplete, 'the signed PDF does not verify at the sender');

    const sent = await sendLetter(world, out, letter);
    const arrivals = await receiveLetter(world, out, sent);
    await processLetter(world, out, sent, arrivals);
    await updateLetter(world, out, sent);
    await takeBackLetter(world, out, sent);
    await printTracking(world, out, sent);
    await writeComplianceReport(world, out, options.reportPath);

    out.step('Stopping the connectors and both axes; deleting the temporary folder');
    await world.close();
    expectStep(!existsSync(world.root), `the temporary folder ${world.root} is still there`);
    out.detail(`${world.root} deleted; the report stays at ${options.reportPath}`);
  } finally {
    await world.close();
  }
}
