import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalAxis, type LocalAxisOptions } from '../../src/testing/index.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { edocPackage, G22, H41 } from '../helpers/axis-packages.js';

let dir: string;
const SECRET_G22 = 'persist-secret-g22';
const options = (dataDir: string): LocalAxisOptions => ({
  systems: [{ systemId: G22.organId, secret: SECRET_G22 }, { systemId: H41.organId, secret: 'persist-secret-h41' }],
  dataDir,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-axis-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalAxis with dataDir', () => {
  test('a restarted axis keeps queues, acks, sent lists and registered agencies', async () => {
    const first = await LocalAxis.start(options(dir));
    const g22 = new AxisClient({ endpoint: first.url, systemId: G22.organId, secret: SECRET_G22 });
    const h41 = new AxisClient({ endpoint: first.url, systemId: H41.organId, secret: 'persist-secret-h41' });
    const pkgA = edocPackage(G22, [H41], { number: '501' });
    const a = await g22.sendEdoc(pkgA, { messageType: 'edoc' });
    await g22.sendEdoc(edocPackage(G22, [H41], { number: '502' }), { messageType: 'edoc' });
    const before = (await h41.getReceivedEdocList({ messageType: 'edoc' })).items;
    expect(before).toHaveLength(2);
    const bytesBefore = (await h41.getEdoc(before[0]!.docId)).bytes;
    await h41.updateStatus(before[1]!.docId, 'done');
    await h41.registerAgency({ pcode: H41.organId, code: '000.00.05.H41', name: 'Sở Y tế' });
    await first.close();

    const files = await readdir(dir);
    expect(files.sort()).toEqual(['packages', 'state.json']);
    const packages = await readdir(join(dir, 'packages'));
    expect(packages.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(packages).toHaveLength(2);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).not.toContain('persist-secret');

    const second = await LocalAxis.start({ ...options(dir), port: 0 });
    try {
      const h41b = new AxisClient({ endpoint: second.url, systemId: H41.organId, secret: 'persist-secret-h41' });
      const g22b = new AxisClient({ endpoint: second.url, systemId: G22.organId, secret: SECRET_G22 });
      const after = (await h41b.getReceivedEdocList({ messageType: 'edoc' })).items;
      expect(after.map((i) => i.docId)).toEqual([before[0]!.docId]);
      expect(Buffer.compare(Buffer.from((await h41b.getEdoc(after[0]!.docId)).bytes), Buffer.from(bytesBefore))).toBe(0);
      const rows = (await g22b.getSentEdocList({ messageType: 'edoc' })).items;
      expect(rows).toHaveLength(2);
      expect(rows.find((r) => r.senderDocId === a.docId)?.receiveStatus).toBe('initial');
      expect((await g22b.getAgenciesList()).items.map((x) => x.code)).toContain('000.00.05.H41');
      // new ids keep being unique after the restart
      const c = await g22b.sendEdoc(edocPackage(G22, [H41], { number: '503' }), { messageType: 'edoc' });
      expect([a.docId, ...after.map((i) => i.docId)]).not.toContain(c.docId);
    } finally {
      await second.close();
    }
  });

  test('refuses a dataDir it cannot use with IoError', async () => {
    await expect(LocalAxis.start(options(join(dir, 'state.json')))).rejects.toMatchObject({ code: 'VDXP_IO' });
  });
});
