import { request } from 'node:http';
import { buildXroadHeaders, type XroadParam } from '../../src/transport/xroad-headers.js';

export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: Buffer;
  json: Record<string, unknown> | undefined;
}

/**
 * A request to an axis made with node:http directly (no AxisClient), signed with the shared
 * header builder, so that tests can send what the Java SDK sends (leftover parameters,
 * trailing CRLF, unpadded hash) or break the signature on purpose.
 */
export async function rawAxisRequest(
  url: string,
  path: string,
  o: {
    method?: 'GET' | 'POST';
    systemId: string;
    secret: string;
    params?: XroadParam[];
    contentType?: string;
    body?: Uint8Array;
    timestamp?: Date;
    mutate?: (headers: Record<string, string>) => void;
  },
): Promise<RawAnswer> {
  const { headers } = buildXroadHeaders({
    systemId: o.systemId,
    secret: o.secret,
    params: o.params ?? [],
    contentType: o.contentType ?? 'application/json',
    timestamp: o.timestamp ?? new Date(),
  });
  headers['User-Agent'] = 'JAVASDKAgent/1.0.0 XRoad/VPCP';
  const body = o.body ?? new Uint8Array(0);
  if ((o.method ?? 'POST') === 'POST') headers['Content-Length'] = String(body.byteLength);
  o.mutate?.(headers);
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: o.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const ct = res.headers['content-type'];
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: ct, body: buf, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end((o.method ?? 'POST') === 'POST' ? Buffer.from(body) : undefined);
  });
}
