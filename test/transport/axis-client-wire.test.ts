import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosAdapter } from 'axios';
import { AxisClient } from '../../src/transport/axis-client.js';

interface Seen {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
}

const answers: Record<string, string> = {
  '/sendEdoc': '{"status":"OK","ErrorCode":"0","ErrorDesc":"Thanh cong","DocId":"5bebcfeff858e3e0cc154762"}',
  '/getEdoc': '{"status":"OK","ErrorCode":"0","ErrorDesc":"Thanh cong","data":"PGVkWE1MLz4="}',
  '/countReceiveEdoc': '{"status":"OK","ErrorCode":"0","ErrorDesc":"Thanh cong","count":3}',
  '/countReceiveStatus': '{"status":"OK","ErrorCode":"0","ErrorDesc":"Thanh cong","count":"0"}',
};

let server: Server;
let url: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const pairs: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      seen.push({ method: req.method!, url: req.url!, headers: pairs, body: Buffer.concat(chunks) });
      if (req.url === '/downloadEdoc') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end('<edXML/>');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(answers[req.url!] ?? '{"status":"OK","ErrorCode":"0","ErrorDesc":"Thanh cong","data":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const header = (s: Seen, name: string) => s.headers.filter(([n]) => n === name).map(([, v]) => v);

describe('what AxisClient puts on the wire', () => {
  test('getReceivedEdocList: the observed request, with exact header names and a fresh timestamp each time', async () => {
    let t = Date.parse('2026-11-21T15:29:10.792Z');
    const client = new AxisClient({ endpoint: url, systemId: '000.00.00.H41', secret: 'k', now: () => new Date((t += 1000)), userAgent: 'test-agent/1' });
    seen.length = 0;
    await client.getReceivedEdocList({ messageType: 'edoc' });
    await client.getReceivedEdocList({ messageType: 'edoc' });
    const [a, b] = seen as [Seen, Seen];
    expect(a.method).toBe('POST');
    expect(a.url).toBe('/getReceivedEdocList');
    expect(header(a, 'XroadVnpt-systemid')).toEqual(['000.00.00.H41']);
    expect(header(a, 'XroadVnpt-servicetype')).toEqual(['eDoc']);
    expect(header(a, 'XroadVnpt-messagetype')).toEqual(['edoc']);
    expect(header(a, 'XroadVnpt-timestamp')).toEqual(['21112026T222911+0792']);
    expect(header(b, 'XroadVnpt-timestamp')).toEqual(['21112026T222912+0792']);
    expect(header(a, 'Content-Type')).toEqual(['application/json']);
    expect(header(a, 'XroadVnpt-Content-Type')).toEqual(['application/json']);
    expect(header(a, 'XroadVnpt-sign-header-key')).toEqual(['systemid;servicetype;messagetype;timestamp;Content-Type']);
    const sign = '{"XroadVnpt-systemid":"000.00.00.H41","XroadVnpt-servicetype":"eDoc","XroadVnpt-messagetype":"edoc","XroadVnpt-timestamp":"21112026T222911+0792","XroadVnpt-Content-Type":"application/json"}';
    expect(header(a, 'XroadVnpt-sign-header')).toEqual([sign]);
    // an HMAC computed here with node:crypto directly, not with the code under test
    expect(header(a, 'XroadVnpt-hash-header')).toEqual([createHmac('sha256', 'k').update(sign).digest('hex')]);
    expect(header(a, 'XroadVnpt-version')).toEqual(['3.0.201608']);
    expect(header(a, 'User-Agent')).toEqual(['test-agent/1']);
    expect(header(a, 'Content-Length')).toEqual(['0']);
    expect(a.body.length).toBe(0);
  });

  test('each operation uses its method, path, parameters and body', async () => {
    const client = new AxisClient({ endpoint: url, systemId: 'sys', secret: 'k' });
    seen.length = 0;
    await client.sendEdoc(Buffer.from('hello\n'), { messageType: 'status', from: '000.00.01.H41' });
    await client.getEdoc('d1');
    await client.downloadEdoc('d2').then((s) => s.resume());
    await client.updateStatus('d3', 'fail');
    await client.getSentEdocList({ messageType: 'edoc', docId: 'd4' });
    await client.getAgenciesList();
    await client.getAgenciesListQD20({ level: 2 });
    await client.getSynchronizeUnit();
    await client.registerAgency({ pcode: 'sys', code: '000.00.09.H41', name: 'Sở Y tế' });
    await client.deleteAgency('000.00.09.H41');
    expect((await client.countReceiveEdoc()).count).toBe(3);
    await client.countReceiveStatus();
    const keys = (s: Seen) => header(s, 'XroadVnpt-sign-header-key')[0];
    const rows = seen.map((s) => [s.method, s.url, keys(s), header(s, 'Content-Type')[0], s.body.toString()]);
    expect(rows).toEqual([
      ['POST', '/sendEdoc', 'systemid;from;servicetype;messagetype;hash-file;timestamp;Content-Type', 'application/octet-stream', 'hello\n'],
      ['POST', '/getEdoc', 'systemid;docId;timestamp;Content-Type', 'application/json', '{}'],
      ['GET', '/downloadEdoc', 'systemid;docId;timestamp;Content-Type', 'application/json', ''],
      ['POST', '/updateStatus', 'systemid;docId;status;timestamp;Content-Type', 'application/json', '{}'],
      ['POST', '/getSentEdocList', 'systemid;servicetype;messagetype;docId;timestamp;Content-Type', 'application/json', ''],
      ['POST', '/getAgenciesList', 'systemid;timestamp;Content-Type', 'application/json', ''],
      ['POST', '/getAgenciesListQD20', 'systemid;level;timestamp;Content-Type', 'application/json', ''],
      ['POST', '/getSynchronizeUnit', 'systemid;timestamp;Content-Type', 'application/json', ''],
      ['POST', '/registerAgency', 'systemid;timestamp;Content-Type', 'application/json', '{"id":"","pcode":"sys","code":"000.00.09.H41","name":"Sở Y tế","mail":"","mobile":"","fax":""}'],
      ['POST', '/deleteAgency', 'systemid;AgencyCode;timestamp;Content-Type', 'application/json', ''],
      ['GET', '/countReceiveEdoc', 'systemid;timestamp;Content-Type', 'application/json', ''],
      ['GET', '/countReceiveStatus', 'systemid;timestamp;Content-Type', 'application/json', ''],
    ]);
    // sha256("hello\n") unpadded per byte, as computed with openssl in xroad-headers.test.ts
    expect(header(seen[0]!, 'XroadVnpt-hash-file')).toEqual(['5891b5b522d5df86dff0b110fbd9d21bb4fc7163af34d08286a2e846f6be3']);
    expect(header(seen[0]!, 'XroadVnpt-from')).toEqual(['000.00.01.H41']);
    expect(header(seen[0]!, 'XroadVnpt-messagetype')).toEqual(['status']);
    expect(header(seen[3]!, 'XroadVnpt-status')).toEqual(['fail']);
    expect(header(seen[6]!, 'XroadVnpt-level')).toEqual(['2']);
    expect(header(seen[9]!, 'XroadVnpt-AgencyCode')).toEqual(['000.00.09.H41']);
  });

  test('the to header is JSON array text, signed like any parameter', async () => {
    const client = new AxisClient({ endpoint: url, systemId: 'sys', secret: 'k' });
    seen.length = 0;
    await client.sendEdoc(Buffer.from('x'), { messageType: 'edoc', to: ['000.00.00.G22', '000.00.00.H41'], hashForm: 'standard' });
    expect(header(seen[0]!, 'XroadVnpt-to')).toEqual(['["000.00.00.G22","000.00.00.H41"]']);
    expect(header(seen[0]!, 'XroadVnpt-sign-header')[0]).toContain('"XroadVnpt-to":"[\\"000.00.00.G22\\",\\"000.00.00.H41\\"]"');
    expect(header(seen[0]!, 'XroadVnpt-hash-file')[0]).toHaveLength(64);
  });

  test('uses a caller’s axios instance (its defaults apply) or adapter', async () => {
    const instance = axios.create({ headers: { common: { 'X-Gateway-Token': 'gw-1' } }, proxy: false });
    seen.length = 0;
    await new AxisClient({ endpoint: url, systemId: 'sys', secret: 'k', axios: instance }).getAgenciesList();
    expect(header(seen[0]!, 'X-Gateway-Token')).toEqual(['gw-1']);

    const calls: string[] = [];
    const adapter: AxiosAdapter = async (config) => {
      calls.push(`${config.method} ${config.url}`);
      return { data: Buffer.from('{"status":"OK","ErrorCode":"0","count":7}'), status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, config };
    };
    const viaAdapter = new AxisClient({ endpoint: 'http://axis.invalid', systemId: 'sys', secret: 'k', adapter });
    expect((await viaAdapter.countReceiveEdoc()).count).toBe(7);
    expect(calls).toEqual(['get http://axis.invalid/countReceiveEdoc']);
    expect(() => new AxisClient({ endpoint: url, systemId: 'sys', secret: 'k', axios: instance, adapter })).toThrow(/either axios or adapter/);
  });
});
