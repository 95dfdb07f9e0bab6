import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/command.js';
import { LocalAxis } from '../../src/testing/local-axis.js';
import { AxisClient } from '../../src/transport/axis-client.js';
import { builtCli } from '../helpers/built.js';
import { edocPackage, statusPackage, G22, H41 } from '../helpers/axis-packages.js';

const SECRET_G22 = 'cli-secret-g22-Zq8';
const SECRET_H41 = 'cli-secret-h41-Wx2';
let axis: LocalAxis;
let dir: string;

function io(env: Record<string, string>, stop = new AbortController().signal, terminal = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(c, _e, cb) { f(String(c)); cb(); } });
  return {
    stdout: sink((s) => (out += s)),
    stderr: Object.assign(sink((s) => (err += s)), { isTTY: terminal }),
    env,
    cwd: dir,
    stopSignal: stop,
    out: () => out,
    err: () => err,
  };
}

const asG22 = () => ({ VDXP_ENDPOINT: axis.url, VDXP_SYSTEM_ID: G22.organId, VDXP_SECRET: SECRET_G22 });
const asH41 = () => ({ VDXP_ENDPOINT: axis.url, VDXP_SYSTEM_ID: H41.organId, VDXP_SECRET: SECRET_H41 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vdxp-cli-axis-'));
  axis = await LocalAxis.start({ systems: [{ systemId: G22.organId, secret: SECRET_G22, name: G22.organName }, { systemId: H41.organId, secret: SECRET_H41, name: H41.organName }] });
  await writeFile(join(dir, 'doc.edxml'), edocPackage(G22, [H41], { number: '601' }));
  await writeFile(join(dir, 'status.edxml'), statusPackage(H41, G22, '01', '601'));
});

afterAll(async () => {
  await axis.close();
  await rm(dir, { recursive: true, force: true });
});

describe('vdxp axis commands against a LocalAxis', () => {
  test('send, inbox, fetch, ack, sent: a full round with --json and text output', async () => {
    const send = io(asG22());
    expect(await runCli(['send', 'doc.edxml', '--json'], send)).toBe(0);
    const sent = JSON.parse(send.out()) as { docId: string; messageType: string; from: string };
    expect(sent).toMatchObject({ ok: true, messageType: 'edoc', from: G22.organId, docId: expect.stringMatching(/^[0-9a-f]{24}$/) });

    const inbox = io(asH41());
    expect(await runCli(['inbox', '--json'], inbox)).toBe(0);
    const items = (JSON.parse(inbox.out()) as { items: { docId: string; from: string }[] }).items;
    expect(items.map((i) => i.from)).toEqual([G22.organId]);
    const docId = items[0]!.docId;

    const text = io(asH41());
    expect(await runCli(['inbox'], text)).toBe(0);
    expect(text.out()).toMatch(new RegExp(`^DOCID\\s+FROM\\s+TO\\s+STATUS\\s+CREATED\\n[- ]+\\n${docId}\\s+${G22.organId.replace(/\./g, '\\.')}`));

    const fetch = io(asH41());
    expect(await runCli(['fetch', docId, '--json'], fetch)).toBe(0);
    const saved = JSON.parse(fetch.out()) as { file: string; bytes: number };
    expect(saved.file).toBe(join(dir, `${docId}.edxml`));
    const viaClient = await new AxisClient({ endpoint: axis.url, systemId: H41.organId, secret: SECRET_H41 }).getEdoc(docId);
    expect(Buffer.compare(await readFile(saved.file), Buffer.from(viaClient.bytes))).toBe(0);

    const download = io(asH41());
    expect(await runCli(['fetch', docId, '--download', '-o', 'copy.edxml'], download)).toBe(0);
    expect(download.out()).toMatch(/^saved .*copy\.edxml \(.+, sha256 [0-9a-f]{64}\)\n$/);
    expect(Buffer.compare(await readFile(join(dir, 'copy.edxml')), Buffer.from(viaClient.bytes))).toBe(0);

    const ack = io(asH41());
    expect(await runCli(['ack', docId, 'done'], ack)).toBe(0);
    expect(ack.out()).toBe(`acked ${docId}: done\n`);
    const empty = io(asH41());
    expect(await runCli(['inbox'], empty)).toBe(0);
    expect(empty.out()).toBe('no edoc packages waiting\n');

    const status = io(asH41());
    expect(await runCli(['send', 'status.edxml'], status)).toBe(0);
    expect(status.out()).toMatch(/\(status from 000\.00\.00\.H41\): DocId [0-9a-f]{24}\n$/);
    const statuses = io(asG22());
    expect(await runCli(['inbox', '--status', '--json'], statuses)).toBe(0);
    expect((JSON.parse(statuses.out()) as { items: unknown[] }).items).toHaveLength(1);

    const sentList = io(asG22());
    expect(await runCli(['sent', '--json', '--doc-id', sent.docId], sentList)).toBe(0);
    expect((JSON.parse(sentList.out()) as { items: { receiveStatus: string; toCode: string }[] }).items).toEqual([
      expect.objectContaining({ toCode: H41.organId, receiveStatus: 'done' }),
    ]);
  });

  test('send and fetch --download of a large package show progress on a terminal, none with --json or without a terminal', async () => {
    await writeFile(join(dir, 'big.edxml'), edocPackage(G22, [H41], { number: '602', pdfBytes: 6 * 1024 * 1024 }));
    const watched = io(asG22(), undefined, true);
    expect(await runCli(['send', 'big.edxml', '--type', 'edoc', '--from', G22.organId], watched)).toBe(0);
    expect(watched.err()).toMatch(/hashing {2}[\d.]+ MB \/ 8\.0 MB \(\d+%\)/);
    expect(watched.err()).toMatch(/sending {2}[\d.]+ MB \/ 8\.0 MB \(\d+%\)/);
    expect(watched.err().endsWith('\r\x1b[K')).toBe(true);
    expect(watched.out()).toMatch(/^sent .*big\.edxml \(edoc from 000\.00\.00\.G22\): DocId [0-9a-f]{24}\n$/);

    const quiet = io(asG22(), undefined, true);
    expect(await runCli(['send', 'big.edxml', '--json'], quiet)).toBe(0);
    expect(quiet.err()).toBe('');
    const piped = io(asG22());
    expect(await runCli(['send', 'big.edxml'], piped)).toBe(0);
    expect(piped.err()).toBe('');

    const inbox = io(asH41());
    expect(await runCli(['inbox', '--json'], inbox)).toBe(0);
    const big = (JSON.parse(inbox.out()) as { items: { docId: string }[] }).items.at(-1)!.docId;
    const fetched = io(asH41(), undefined, true);
    expect(await runCli(['fetch', big, '--download', '-o', 'got.edxml'], fetched)).toBe(0);
    expect(fetched.err()).toMatch(/downloading {2}[\d.]+ MB/);
    expect(fetched.err().endsWith('\r\x1b[K')).toBe(true);
    expect((await readFile(join(dir, 'got.edxml'))).length).toBeGreaterThan(8 * 1024 * 1024);
  });

  test('agencies lists the directory, --qd20 one level', async () => {
    const list = io(asG22());
    expect(await runCli(['agencies', '--json'], list)).toBe(0);
    expect((JSON.parse(list.out()) as { items: { code: string }[] }).items.map((a) => a.code)).toEqual([G22.organId, H41.organId]);
    const qd20 = io(asG22());
    expect(await runCli(['agencies', '--qd20', '--level', '1'], qd20)).toBe(0);
    expect(qd20.out()).toContain('UBND tỉnh Nghệ An');
  });

  test('flags win over the environment; a refusal exits 1 with the axis text; missing settings exit 2', async () => {
    const wrong = io({ ...asH41(), VDXP_SECRET: 'wrong' });
    expect(await runCli(['inbox', '--secret', SECRET_H41], wrong)).toBe(0);
    const refused = io(asH41());
    expect(await runCli(['ack', 'ffffffffffffffffffffffff', 'done', '--json'], refused)).toBe(1);
    expect(JSON.parse(refused.out())).toMatchObject({ ok: false, errorDesc: 'Khong tim thay goi tin co ma: ffffffffffffffffffffffff' });
    expect(refused.err()).toMatch(/^VDXP_AXIS_FAIL: updateStatus refused by the axis/);
    const none = io({});
    expect(await runCli(['inbox'], none)).toBe(2);
    expect(none.err()).toMatch(/^VDXP_CONFIG_INVALID: .*VDXP_ENDPOINT/);
    const usage = io(asH41());
    expect(await runCli(['ack', 'x', 'maybe'], usage)).toBe(2);
    expect(usage.err()).toMatch(/^VDXP_CLI_USAGE/);
    const invalid = io(asG22());
    await writeFile(join(dir, 'junk.edxml'), '1212<?xml version="1.0"?><edXML/>');
    expect(await runCli(['send', 'junk.edxml'], invalid)).toBe(1);
    expect(invalid.err()).toMatch(/^VDXP_EDXML_\w+: the package is invalid, nothing sent/);
    for (const x of [wrong, refused, none, usage, invalid]) expect(x.out() + x.err()).not.toContain(SECRET_H41);
  });

  test('axis serve runs in-process until the stop signal', async () => {
    await writeFile(join(dir, 'axis.json'), JSON.stringify({ systems: [{ systemId: 'sys.a', secret: 'sa' }] }));
    const stop = new AbortController();
    const serve = io({}, stop.signal);
    const running = runCli(['axis', 'serve', '--config', 'axis.json', '--json'], serve);
    let url = '';
    for (let i = 0; i < 100 && !url; i++) {
      await new Promise((r) => setTimeout(r, 10));
      url = serve.out() ? (JSON.parse(serve.out()) as { url: string }).url : '';
    }
    const list = await new AxisClient({ endpoint: url, systemId: 'sys.a', secret: 'sa' }).getAgenciesList();
    expect(list.items.map((a) => a.code)).toEqual(['sys.a']);
    stop.abort();
    expect(await running).toBe(0);
    const bad = io({});
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ systems: [{ systemId: 'x' }] }));
    expect(await runCli(['axis', 'serve', '--config', 'bad.json'], bad)).toBe(2);
    expect(bad.err()).toMatch(/^VDXP_CONFIG_INVALID: axis\.json: invalid options: systems\.0\.secret/);
  });
});

describe('the built vdxp command', () => {
  test('axis serve runs as a child process, answers the client, stops on SIGTERM', async () => {
    const cli = builtCli();
    const dataDir = join(dir, 'data');
    await writeFile(join(dir, 'serve.json'), JSON.stringify({ systems: [{ systemId: G22.organId, secret: 'c1' }, { systemId: H41.organId, secret: 'c2' }] }));
    const child = spawn(process.execPath, [cli, 'axis', 'serve', '--port', '0', '--config', 'serve.json', '--data', 'data'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 300 && !/listening on (http:\/\/\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const g22 = new AxisClient({ endpoint: url!, systemId: G22.organId, secret: 'c1' });
    const res = await g22.sendEdoc(edocPackage(G22, [H41]), { messageType: 'edoc' });
    expect(res.docId).toMatch(/^[0-9a-f]{24}$/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('LocalAxis stopped');
    expect(JSON.parse(await readFile(join(dataDir, 'state.json'), 'utf8')).received).toHaveLength(1);
  });
});
