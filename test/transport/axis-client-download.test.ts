import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { AxisClient } from '../../src/transport/axis-client.js';
import { AxisNetworkError, AxisProtocolError } from '../../src/errors.js';

// a server that sends package bytes in the ways a real network can
let server: Server;
let url: string;
let mode: 'whole' | 'stall' | 'cut' | 'slow' = 'whole';
const part = Buffer.alloc(64 * 1024, 0x41);

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(part.length * 4) });
    if (mode === 'whole') return res.end(Buffer.concat([part, part, part, part]));
    res.write(part);
    if (mode === 'cut') setTimeout(() => res.socket?.destroy(), 20);
    if (mode === 'slow') {
      let n = 1;
      const t = setInterval(() => {
        res.write(part);
        if (++n === 4) {
          clearInterval(t);
          res.end();
        }
      }, 70); // 3 × 70 ms: longer than timeoutMs overall
    }
    // 'stall': nothing more is sent
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const client = () => new AxisClient({ endpoint: url, systemId: 's', secret: 'k', timeoutMs: 150, retry: { retries: 0 } });

describe('downloadEdoc streams', () => {
  test('delivers every byte of a complete answer', async () => {
    mode = 'whole';
    expect((await buffer(await client().downloadEdoc('d'))).length).toBe(part.length * 4);
  });

  test('keeps going while data arrives more slowly than the timeout overall, but within it per chunk', async () => {
    mode = 'slow';
    expect((await buffer(await client().downloadEdoc('d'))).length).toBe(part.length * 4);
  });

  test('fails with VDXP_TRANSPORT_TIMEOUT when the server stalls', async () => {
    mode = 'stall';
    const err = await buffer(await client().downloadEdoc('d')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxisNetworkError);
    expect(err).toMatchObject({ code: 'VDXP_TRANSPORT_TIMEOUT', operation: 'downloadEdoc' });
  });

  test('fails with VDXP_TRANSPORT_NETWORK when the connection is cut', async () => {
    mode = 'cut';
    const err = await buffer(await client().downloadEdoc('d')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VDXP_TRANSPORT_NETWORK' });
  });

  test('fails with VDXP_TRANSPORT_BAD_RESPONSE past maxBytes', async () => {
    mode = 'whole';
    const err = await buffer(await client().downloadEdoc('d', { maxBytes: 100_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxisProtocolError);
    expect(err).toMatchObject({ reason: 'too_large' });
  });
});
