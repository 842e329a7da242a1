import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { isRecord } from './block-kit-elements.js';

export type SocketAck =
  | { acked: true; payload: Record<string, unknown> }
  | { acked: false; reason: 'no_connection' | 'timeout' | 'closed' };

interface PendingEnvelope {
  resolve: (ack: SocketAck) => void;
  timer: NodeJS.Timeout;
}

/**
 * Slack's side of Socket Mode: `apps.connections.open` hands out a single-use `ws://…/link/?ticket=…` URL; the
 * client connects, gets `hello`, and answers every envelope with `{ envelope_id, payload }`.
 */
export class SocketModeHub {
  readonly #server = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #sockets: WebSocket[] = [];
  readonly #pending = new Map<string, PendingEnvelope>();
  #turn = 0;

  constructor(private readonly appId: string) {}

  connectionCount(): number {
    return this.#sockets.length;
  }

  /** A fresh URL for `apps.connections.open`; the ticket works once. */
  openUrl(wsBaseUrl: string, ticket: string): string {
    this.#tickets.add(ticket);
    return `${wsBaseUrl}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Takes over an HTTP upgrade if it is a Socket Mode connection; returns false to let others answer it. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://stand-in.invalid');
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#accept(ws));
    return true;
  }

  /** Sends one envelope to a connected client (round robin, like Slack spreads over connections). */
  send(type: string, payload: Record<string, unknown>, timeoutMs: number): Promise<SocketAck> {
    const open = this.#sockets.filter((ws) => ws.readyState === ws.OPEN);
    const target = open[this.#turn++ % Math.max(open.length, 1)];
    if (!target) return Promise.resolve({ acked: false, reason: 'no_connection' });
    const envelopeId = randomUUID();
    return new Promise<SocketAck>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        resolve({ acked: false, reason: 'timeout' });
      }, timeoutMs);
      this.#pending.set(envelopeId, { resolve, timer });
      target.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
    });
  }

  /**
   * Closes every connection with a close handshake (bounded by `graceMs`), then drops what is left. An abrupt
   * drop makes @slack/socket-mode leak a 30 s close-handshake timer, which keeps a test process alive.
   */
  async close(graceMs = 1000): Promise<void> {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.resolve({ acked: false, reason: 'closed' });
      this.#pending.delete(id);
    }
    const sockets = this.#sockets.splice(0);
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, graceMs);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            if (ws.readyState === ws.OPEN) ws.close(1001, 'stand-in stopping');
          }),
      ),
    );
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(ws: WebSocket): void {
    this.#sockets.push(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.#receive(data.toString());
    });
    ws.on('close', () => {
      const index = this.#sockets.indexOf(ws);
      if (index >= 0) this.#sockets.splice(index, 1);
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#sockets.length,
        debug_info: { host: 'applink-stand-in', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  #receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return; // Slack ignores what it cannot parse; so does the stand-in
    }
    if (!isRecord(message) || typeof message.envelope_id !== 'string') return;
    const pending = this.#pending.get(message.envelope_id);
    if (!pending) return;
    this.#pending.delete(message.envelope_id);
    clearTimeout(pending.timer);
    pending.resolve({ acked: true, payload: isRecord(message.payload) ? message.payload : {} });
  }
}
