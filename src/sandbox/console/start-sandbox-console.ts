import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { z } from 'zod';
import { BodyTooLargeError, readRequestBody } from '../slack/http-body.js';
import { type SandboxConsoleOptions, sandboxConsoleOptionsSchema } from './console-options.js';
import { consolePage } from './console-page.js';
import {
  clickRequestSchema,
  closeRequestSchema,
  commandRequestSchema,
  submitRequestSchema,
} from './console-requests.js';

export interface SandboxConsole {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

/** A request the console refuses, with the reason a person at the console can act on. */
class BadRequest extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * The sandbox's public HTTP API and one-page console: type `/bosun …` as a workspace user, read the channels,
 * click buttons, fill in and close modals, fetch the kubeconfig.
 */
export async function startSandboxConsole(options: SandboxConsoleOptions): Promise<SandboxConsole> {
  const config = sandboxConsoleOptionsSchema.parse(options);
  const { standIn } = config;
  const page = consolePage({
    defaultChannel: config.defaultChannel,
    defaultUser: config.defaultUser,
    command: config.command,
    exampleNode: config.exampleNode,
  });

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const method = request.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        sendText(response, 200, 'text/html; charset=utf-8', page);
        return;
      case 'GET /favicon.ico':
        response.writeHead(204);
        response.end();
        return;
      case 'POST /api/sandbox/command': {
        const body = await jsonBody(request, commandRequestSchema);
        const result = await deliver(() =>
          standIn.slashCommand({
            text: body.text,
            user: body.user ?? config.defaultUser,
            channel: body.channel ?? config.defaultChannel,
            command: config.command,
          }),
        );
        sendJson(response, 200, { requestId: result.requestId });
        return;
      }
      case 'GET /api/sandbox/messages': {
        const channel = url.searchParams.get('channel') ?? undefined;
        sendJson(response, 200, standIn.messages(channel));
        return;
      }
      case 'GET /api/sandbox/channels':
        sendJson(response, 200, standIn.channels());
        return;
      case 'GET /api/sandbox/users':
        sendJson(response, 200, standIn.users());
        return;
      case 'POST /api/sandbox/click': {
        const body = await jsonBody(request, clickRequestSchema);
        sendJson(response, 200, await deliver(() => standIn.click(body)));
        return;
      }
      case 'GET /api/sandbox/views':
        sendJson(response, 200, standIn.views());
        return;
      case 'POST /api/sandbox/submit': {
        const body = await jsonBody(request, submitRequestSchema);
        sendJson(response, 200, await deliver(() => standIn.submit(body)));
        return;
      }
      case 'POST /api/sandbox/close': {
        const body = await jsonBody(request, closeRequestSchema);
        await deliver(async () => standIn.closeView(body));
        sendJson(response, 200, { closed: true });
        return;
      }
      case 'GET /api/sandbox/kubeconfig':
        sendText(response, 200, 'application/yaml; charset=utf-8', config.kubeconfig());
        return;
    }
    const fileId = url.pathname.match(/^\/api\/sandbox\/files\/(F[A-Z0-9]+)$/)?.[1];
    if (fileId !== undefined && method === 'GET') {
      const content = standIn.fileContent(fileId);
      if (!content) {
        sendJson(response, 404, { error: `no file ${fileId}` });
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': content.length,
      });
      response.end(content);
      return;
    }
    sendJson(response, 404, { error: `no route ${route}` });
  };

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof BadRequest)
        sendJson(response, 400, { error: error.message, details: error.details });
      else if (error instanceof BodyTooLargeError) sendJson(response, 413, { error: error.message });
      else sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function jsonBody<T extends z.ZodType>(request: IncomingMessage, schema: T): Promise<z.output<T>> {
  const text = (await readRequestBody(request, BODY_LIMIT_BYTES)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new BadRequest(`invalid body: ${issues.join('; ')}`, issues);
  }
  return parsed.data;
}

/** The stand-in throws plain errors for a test's mistakes (unknown user, no such button); here they are 400s. */
async function deliver<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new BadRequest(error instanceof Error ? error.message : String(error));
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sendText(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}
