import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedCall {
  method: string;
  path: string;
  status: number;
}

/**
 * A loopback HTTP proxy in front of the simulator that records each request with the status it got: the
 * simulator's own observer sees requests but not their answers, and "no pod evicted twice" is about accepted
 * evictions (201), not about the 429s a budget answers.
 */
export async function startCountingProxy(target: string) {
  const calls: ProxiedCall[] = [];
  const sockets = new Set<Socket>();
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        calls.push({
          method: req.method ?? 'GET',
          path: (req.url ?? '').split('?')[0] ?? '',
          status: answer.statusCode ?? 0,
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    /** Accepted evictions (HTTP 201) per `namespace/name`. */
    acceptedEvictions(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const call of calls) {
        const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(call.path);
        if (!match || call.method !== 'POST' || call.status !== 201) continue;
        const key = `${match[1]}/${match[2]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
