import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** `GET /healthz`: the process is alive. `GET /readyz`: it can do its work (Redis answers). */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  ready: () => Promise<boolean>;
}): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/readyz') {
      options.ready().then(
        (ok) =>
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
            .end(ok ? 'ready\n' : 'redis unreachable\n'),
        () => res.writeHead(503, { 'content-type': 'text/plain' }).end('not ready\n'),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
