import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { requestIdFromTrigger } from '../../requests/request-id.js';
import { systemClock } from '../../shared/clock.js';
import { BotDelivery } from './bot-delivery.js';
import { deliverClick } from './button-clicks.js';
import { chatMethods } from './chat-methods.js';
import { directoryMethods } from './directory-methods.js';
import { FaultInjector } from './fault-injector.js';
import { FileUploads } from './file-uploads.js';
import { BodyTooLargeError, readRequestBody } from './http-body.js';
import type { InteractionDeps } from './interaction-deps.js';
import { MessageStore, type StoredMessage } from './message-store.js';
import { ModalStore } from './modal-store.js';
import { type SlackStandInOptions, slackStandInOptionsSchema } from './options.js';
import { ResponseUrls } from './response-urls.js';
import { SlackIds } from './slack-ids.js';
import { slackMessageJson } from './slack-message-json.js';
import type { SlackStandIn } from './slack-stand-in.js';
import { deliverSlashCommand, signedSlashCommand } from './slash-commands.js';
import { SocketModeHub } from './socket-mode-hub.js';
import { TriggerRegistry } from './trigger-registry.js';
import { deliverViewSubmission } from './view-submissions.js';
import { SlackWebApi } from './web-api.js';
import type { WebApiParams } from './web-api-params.js';
import { WorkspaceDirectory } from './workspace-directory.js';

/** Who types a slash command, where, unless the test says. */
const COMMAND_DEFAULTS = { user: 'UALICE', channel: 'COPS', command: '/bosun' };
const BODY_LIMIT_BYTES = 50 * 1024 * 1024;

/** Starts the local Slack on loopback. See SlackStandIn for what it offers. */
export async function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  const config = slackStandInOptionsSchema.parse(options);
  const clock = config.clock ?? systemClock;
  const ids = new SlackIds(clock);
  const directory = new WorkspaceDirectory(
    config.team,
    config.bot,
    config.users,
    config.channels,
    config.usergroups,
    () => Math.floor(clock.now() / 1000),
  );
  let baseUrl = '';
  const base = () => baseUrl;
  const store = new MessageStore();
  const faults = new FaultInjector(clock);
  const triggers = new TriggerRegistry(clock);
  const hub = new SocketModeHub(config.bot.appId);
  const files = new FileUploads({ directory, store, ids, clock, baseUrl: base });
  const modals = new ModalStore(directory, ids, clock);
  const responses = new ResponseUrls(store, directory, ids, clock, base);
  const delivery = new BotDelivery(config.delivery, config.signingSecret, hub, clock, config.ackTimeoutMs);
  const messageJson = (message: StoredMessage) =>
    slackMessageJson(message, {
      teamId: config.team.id,
      appId: config.bot.appId,
      replyCount: message.threadTs === undefined ? store.replyCount(message.channel, message.ts) : 0,
      fileUrl: (id, name) => files.fileUrl(id, name),
    });
  const webApi = new SlackWebApi(
    {
      ...chatMethods({ directory, store, ids, faults, baseUrl: base, messageJson }),
      ...directoryMethods({
        directory,
        openSocketUrl: () => hub.openUrl(baseUrl.replace(/^http/, 'ws'), ids.token()),
      }),
      ...files.methods(),
      ...modals.methods(triggers),
    },
    { bot: config.botToken, app: config.appToken },
    faults,
  );
  const interactions: InteractionDeps = {
    directory,
    store,
    ids,
    triggers,
    responses,
    delivery,
    modals,
    requestIdOf: config.requestIdOf ?? requestIdFromTrigger,
    verificationToken: ids.token(),
    messageJson,
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', baseUrl);
    const path = url.pathname;
    const apiMethod = path.match(/^\/api\/([A-Za-z0-9_.]+)$/)?.[1];
    if (apiMethod !== undefined) {
      const body = await readRequestBody(request, BODY_LIMIT_BYTES);
      const params = { ...Object.fromEntries(url.searchParams), ...(await webApiParams(request, body)) };
      const answer = await webApi.call(apiMethod, params, request.headers.authorization);
      send(response, answer.status, answer.headers, JSON.stringify(answer.body));
      return;
    }
    const uploadToken = path.match(/^\/upload\/v1\/([\w-]+)$/)?.[1];
    if (uploadToken !== undefined && request.method === 'POST') {
      const body = await readRequestBody(request, BODY_LIMIT_BYTES);
      const answer = await files.receive(uploadToken, request.headers['content-type'], body);
      send(response, answer.status, { 'content-type': 'text/plain; charset=utf-8' }, answer.text);
      return;
    }
    const responseToken = path.match(/^\/respond\/([\w-]+)$/)?.[1];
    if (responseToken !== undefined && request.method === 'POST') {
      const body = await readRequestBody(request, BODY_LIMIT_BYTES);
      const answer = responses.post(responseToken, body.toString('utf8'));
      send(
        response,
        answer.status,
        { 'content-type': 'application/json; charset=utf-8' },
        JSON.stringify(answer.body),
      );
      return;
    }
    const permalink = path.match(/^\/archives\/([A-Z0-9]+)\/p(\d{7,})$/);
    if (permalink && request.method === 'GET') {
      const [, channel = '', digits = ''] = permalink;
      const message = store.find(channel, `${digits.slice(0, -6)}.${digits.slice(-6)}`);
      if (!message || message.ephemeralTo !== undefined) {
        send(
          response,
          404,
          { 'content-type': 'application/json' },
          JSON.stringify({ ok: false, error: 'message_not_found' }),
        );
        return;
      }
      const json = { ok: true, channel, message: messageJson(message) };
      send(response, 200, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(json));
      return;
    }
    const fileId = path.match(/^\/files\/(F[A-Z0-9]+)(?:\/.*)?$/)?.[1];
    if (fileId !== undefined && request.method === 'GET') {
      const content = files.content(fileId);
      if (!content) {
        send(response, 404, { 'content-type': 'text/plain' }, 'file_not_found');
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': content.length,
      });
      response.end(content);
      return;
    }
    send(response, 404, { 'content-type': 'text/plain' }, 'not found');
  };

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      const status = error instanceof BodyTooLargeError ? 413 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent)
        send(
          response,
          status,
          { 'content-type': 'application/json' },
          JSON.stringify({ ok: false, error: message }),
        );
      else response.destroy();
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request, socket, head) => {
    if (!hub.handleUpgrade(request, socket, head)) socket.destroy();
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
  baseUrl = `http://${host}:${port}`;

  const standIn: SlackStandIn = {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    faults,
    callCount: (method) => webApi.callCount(method),
    deliverTo: (target) => delivery.retarget(target),
    slashCommand: (input) => deliverSlashCommand(interactions, input, COMMAND_DEFAULTS),
    signedSlashCommand: (input) => signedSlashCommand(interactions, input, COMMAND_DEFAULTS),
    postAsUser: (post) => {
      const user = directory.requireUser(post.user);
      const channel = directory.ensureChannel(post.channel);
      const parent = post.threadTs === undefined ? undefined : store.find(channel.id, post.threadTs);
      if (post.threadTs !== undefined && !parent)
        throw new Error(`no message ${post.threadTs} in ${channel.id}`);
      const ts = ids.messageTs();
      store.add({
        channel: channel.id,
        ts,
        threadTs: parent ? (parent.threadTs ?? parent.ts) : undefined,
        user: user.id,
        botId: undefined,
        text: post.text,
        blocks: [],
        metadata: undefined,
        files: undefined,
        ephemeralTo: undefined,
        edited: false,
        broadcast: false,
        answersRequest: undefined,
      });
      return { ts };
    },
    click: (input) => deliverClick(interactions, input),
    views: () => modals.list(),
    submit: (input) => deliverViewSubmission(interactions, input),
    closeView: ({ viewId, user }) => {
      const view = modals.require(viewId);
      if (view.user !== user) throw new Error(`view ${viewId} is open for ${view.user}, not ${user}`);
      modals.close(viewId);
    },
    messages: (channel) => store.record(channel),
    thread: (channel, ts) => store.thread(channel, ts),
    channels: () =>
      directory.channels().map((channel) => ({
        id: channel.id,
        name: channel.name,
        isPrivate: channel.isPrivate,
        ...(channel.imUser === undefined ? {} : { imUser: channel.imUser }),
      })),
    users: () =>
      directory.humans().map((user) => ({ id: user.id, name: user.name, realName: user.realName })),
    fileContent: (fileId) => files.content(fileId),
    waitFor: async (predicate, waitOptions = {}) => {
      const timeoutMs = waitOptions.timeoutMs ?? 2000;
      const intervalMs = waitOptions.intervalMs ?? 10;
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value) return value;
        if (performance.now() >= deadline) {
          const recent = store
            .record()
            .slice(-5)
            .map((message) => `${message.channel} ${message.ts} ${JSON.stringify(message.text)}`)
            .join('\n  ');
          throw new Error(
            `waitFor timed out after ${timeoutMs} ms${waitOptions.description ? `: ${waitOptions.description}` : ''}` +
              `\n  last messages:\n  ${recent || '(none)'}`,
          );
        }
        await delay(intervalMs);
      }
    },
    stop: async () => {
      await hub.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
  return standIn;
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Slack takes form-encoded or JSON arguments (and web-api sends multipart when an argument is binary). */
async function webApiParams(request: IncomingMessage, body: Buffer): Promise<WebApiParams> {
  const contentType = request.headers['content-type'] ?? '';
  if (body.length === 0) return {};
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { ...parsed } : {};
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Request('http://stand-in.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
    const params: WebApiParams = {};
    for (const [key, value] of form.entries()) {
      params[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    }
    return params;
  }
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}
