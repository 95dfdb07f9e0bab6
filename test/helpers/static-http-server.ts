import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server answering GETs from a map of paths to bodies, counting requests per path. */
export interface StaticHttpServer {
  readonly url: string;
  readonly port: number;
  readonly files: Map<string, Uint8Array>;
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a {@link StaticHttpServer} on 127.0.0.1 and a free port; `hang: true` accepts requests and never answers. */
export async function startStaticHttpServer(options: { hang?: boolean } = {}): Promise<StaticHttpServer> {
  const files = new Map<string, Uint8Array>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (options.hang) return;
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength }).end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    files,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
