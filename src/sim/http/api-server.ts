import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { ZodError, z } from 'zod';
import { type Clock, systemClock } from '../../shared/clock.js';
import { ApiAuth, ensureBootstrapPolicy } from '../auth/index.js';
import { compareGroupVersions } from '../catalog/api-priorities.js';
import { readLimitedBody } from '../registry/limits.js';
import { resourceNotServed } from '../registry/status-errors.js';
import { type Registry, type Status, StatusError } from '../types.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  wantsAggregatedDiscovery,
} from './aggregated-discovery.js';
import { apiGroup, coreVersions, groupList, resourceList } from './discovery.js';
import { FaultInjector, faultChangeSchema } from './fault-injector.js';
import { toStatus, writeJson, writeStatus } from './http-response.js';
import { renderKubeconfig } from './kubeconfig.js';
import { OpenApiDocuments } from './openapi.js';
import { parseApiPath } from './request-path.js';
import { serveResource } from './resource-request.js';
import { generateServingCertificate } from './self-signed-cert.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface ApiServerOptions {
  registry: Registry;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serve TLS with a CA and certificate generated at start; `ca` then holds the CA for kubeconfigs. */
  https?: boolean;
  /** The control plane's version (`/version`), e.g. `v1.31.4`. */
  version?: string;
  clock?: Clock;
  /** Request lines are logged at debug level only. */
  logger?: Logger;
  /** How often watches that asked for bookmarks get one (default 60 s, as the watch cache). */
  bookmarkIntervalMs?: number;
  /** Randomness for fault injection and default watch timeouts. */
  random?: () => number;
  /** Answer /api and /apis with aggregated discovery when asked (default true); false serves only the legacy form. */
  aggregatedDiscovery?: boolean;
  /** A static bearer token that authenticates as the admin (the simulator's kubeconfig token). */
  adminToken?: string;
  /** Sees every request as it arrives (tests assert what kubectl sent). */
  onRequest?: (request: ObservedRequest) => void;
}

export interface ObservedRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/nodes?limit=500`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request the admin API or a controller-added route serves. */
export interface AdminRequest {
  method: string;
  url: URL;
  match: RegExpExecArray;
  body: unknown;
}

export type AdminHandler = (
  request: AdminRequest,
) => Promise<{ code: number; body: unknown }> | { code: number; body: unknown };

export interface ApiServer {
  /** `http://127.0.0.1:<port>` (or https). */
  url: string;
  server: Server | HttpsServer;
  /** PEM of the serving CA when started with `https: true`. */
  ca?: string;
  /** With `https: true`: the admin's client certificate (CN=kubernetes-admin, O=system:masters) and key, PEM. */
  clientCertificate?: { cert: string; key: string };
  faults: FaultInjector;
  /** A kubeconfig for this server. */
  kubeconfig(): string;
  /** Serve `method` on paths matching `path` under the admin API (e.g. `/_sim/nodes/…` routes of the controllers). */
  addAdminRoute(method: string, path: RegExp, handler: AdminHandler): void;
  /** Changes what `/version` answers (a control-plane upgrade). */
  setVersion(gitVersion: string): void;
  close(): Promise<void>;
}

function versionInfo(gitVersion: string): VersionInfo {
  const match = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: match?.[1] ?? '1',
    minor: match?.[2] ?? '31',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.22.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** Starts the simulator's Kubernetes API over HTTP(S) on loopback. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const registry = options.registry;
  const clock = options.clock ?? registry.clock ?? systemClock;
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultInjector(options.random);
  const adminRoutes: Array<{ method: string; path: RegExp; handler: AdminHandler }> = [];
  let version = versionInfo(options.version ?? 'v1.31.4');
  let openapi: OpenApiDocuments | undefined;
  const unsubscribe = registry.onCatalogChange(() => {
    openapi = undefined;
  });
  const sockets = new Set<Socket>();
  let address = '';

  const auth = new ApiAuth({
    registry,
    clock,
    https: options.https === true,
    adminToken: options.adminToken,
    isNamespaced: (group, version, resource) =>
      Boolean(registryResources(group, version).find((info) => info.resource === resource)?.namespaced),
  });

  // The rbac/bootstrap-roles post-start hook, before anyone can ask.
  await ensureBootstrapPolicy(registry);

  const addAdminRoute = (method: string, path: RegExp, handler: AdminHandler) => {
    adminRoutes.push({ method: method.toUpperCase(), path, handler });
  };
  addAdminRoute('GET', /^\/_sim\/faults$/, () => ({ code: 200, body: faults.current }));
  addAdminRoute('PUT', /^\/_sim\/faults$/, ({ body }) => ({
    code: 200,
    body: faults.configure(faultChangeSchema.parse(body ?? {})),
  }));
  addAdminRoute('POST', /^\/_sim\/faults$/, ({ body }) => ({
    code: 200,
    body: faults.configure(faultChangeSchema.parse(body ?? {})),
  }));
  addAdminRoute('DELETE', /^\/_sim\/faults$/, () => {
    faults.reset();
    return { code: 200, body: faults.current };
  });
  addAdminRoute('POST', /^\/_sim\/watches\/drop$/, () => ({
    code: 200,
    body: { dropped: faults.dropWatches() },
  }));
  addAdminRoute('POST', /^\/_sim\/watches\/expire-next$/, () => {
    faults.expireNextWatchResume();
    return { code: 200, body: { armed: true } };
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const body = url.pathname.startsWith('/_sim/') ? await readBody(req) : await readLimitedBody(req);
      options.onRequest?.({
        method,
        url: req.url ?? '/',
        headers: req.headers,
        body: body.toString('latin1'),
      });
      // Who is asking (401/403 thrown), and the review kinds and TokenRequests, which it answers itself.
      const answered = await auth.check(req, method, url, body);
      if (answered) return writeJson(res, answered.code, answered.body);
      if (url.pathname.startsWith('/_sim/')) {
        await serveAdmin(method, url, body, res);
        return;
      }
      const decision = faults.decide(url.pathname);
      if (decision.delayMs > 0) await clock.sleep(decision.delayMs);
      if (decision.fail) {
        writeStatus(res, injectedFailure(faults.errorCode));
        return;
      }
      await route(req, res, method, url, body);
    } catch (error) {
      if (!res.headersSent) writeStatus(res, toStatus(error));
      else res.end();
    } finally {
      options.logger?.debug(
        { method, path: url.pathname, query: url.search, code: res.statusCode, ms: Date.now() - started },
        'sim api request',
      );
    }
  };

  const serveAdmin = async (method: string, url: URL, body: Buffer, res: ServerResponse) => {
    for (const route of adminRoutes) {
      const match = route.path.exec(url.pathname);
      if (!match || route.method !== method) continue;
      let parsed: unknown;
      try {
        parsed = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        writeJson(res, 400, { error: 'the body must be JSON' });
        return;
      }
      try {
        const answer = await route.handler({ method, url, match, body: parsed });
        writeJson(res, answer.code, answer.body);
      } catch (error) {
        if (error instanceof StatusError) writeStatus(res, error.status);
        else if (error instanceof ZodError) writeJson(res, 400, { error: z.prettifyError(error) });
        else writeJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    writeJson(res, 404, { error: `no admin route ${method} ${url.pathname}` });
  };

  const route = async (req: IncomingMessage, res: ServerResponse, method: string, url: URL, body: Buffer) => {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/version') return writeJson(res, 200, version);
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end('ok');
      return;
    }
    if (path === '/openapi/v2') {
      // An empty (valid) OpenAPI v2 protobuf document: kubectl 1.27 validates from v2, finds no schema for the
      // kind and leaves validation to the server; newer kubectl use v3.
      res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
      res.end();
      return;
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
      openapi ??= new OpenApiDocuments(groupVersions());
      if (path === '/openapi/v3') return writeJson(res, 200, openapi.rootDocument());
      const document = openapi.groupVersionDocument(path.slice('/openapi/v3/'.length));
      if (document) return writeJson(res, 200, document);
      throw resourceNotServed();
    }
    const parsed = parseApiPath(path, (group, version, resource) =>
      Boolean(registryResources(group, version).find((info) => info.resource === resource)?.namespaced),
    );
    const aggregated = options.aggregatedDiscovery !== false && wantsAggregatedDiscovery(req.headers.accept);
    switch (parsed.type) {
      case 'core-versions':
        if (aggregated) return writeAggregated(res, aggregatedDiscovery(groupVersions(), true));
        return writeJson(res, 200, coreVersions(address));
      case 'group-list':
        if (aggregated) return writeAggregated(res, aggregatedDiscovery(groupVersions(), false));
        return writeJson(res, 200, groupList(groupVersions()));
      case 'group': {
        const versions = groupVersions()
          .filter((gv) => gv.group === parsed.group)
          .map((gv) => gv.version);
        if (versions.length === 0) throw resourceNotServed();
        return writeJson(res, 200, apiGroup(parsed.group, versions));
      }
      case 'resource-list': {
        const resources = registryResources(parsed.group, parsed.version);
        if (resources.length === 0) throw resourceNotServed();
        return writeJson(res, 200, resourceList(parsed.group, parsed.version, resources));
      }
      case 'resource':
        await serveResource({
          registry,
          clock,
          faults,
          bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
          random: options.random ?? Math.random,
          req,
          res,
          method,
          url,
          body,
          path: parsed,
          resources: registryResources(parsed.group, parsed.version),
        });
        return;
      default:
        throw resourceNotServed();
    }
  };

  const groupVersions = () => {
    const map = new Map<
      string,
      { group: string; version: string; resources: ReturnType<typeof registryResources> }
    >();
    for (const info of registry.catalog) {
      for (const v of [info.version, ...(info.otherVersions ?? [])]) {
        const key = `${info.group}/${v}`;
        const entry = map.get(key) ?? { group: info.group, version: v, resources: [] };
        entry.resources.push(info);
        map.set(key, entry);
      }
    }
    return [...map.values()].sort(compareGroupVersions);
  };
  const registryResources = (group: string, version: string) =>
    registry.catalog.filter(
      (info) =>
        info.group === group && (info.version === version || (info.otherVersions ?? []).includes(version)),
    );

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.writableEnded) res.end();
    });
  };
  let ca: string | undefined;
  let clientCertificate: ApiServer['clientCertificate'];
  let server: Server | HttpsServer;
  if (options.https) {
    const certificate = await generateServingCertificate();
    ca = certificate.ca;
    clientCertificate = { cert: certificate.clientCert, key: certificate.clientKey };
    server = createHttpsServer(
      {
        cert: certificate.cert,
        key: certificate.key,
        ca: certificate.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      listener,
    );
  } else {
    server = createHttpServer(listener);
  }
  server.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    socket.setNoDelay(true);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  address = `${hostInUrl}:${port}`;
  const url = `${options.https ? 'https' : 'http'}://${address}`;

  return {
    url,
    server,
    ca,
    clientCertificate,
    faults,
    kubeconfig: () => renderKubeconfig({ server: url, ca, clientCertificate, token: options.adminToken }),
    addAdminRoute,
    setVersion(gitVersion: string) {
      version = versionInfo(gitVersion);
    },
    async close() {
      unsubscribe();
      faults.dropWatches();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function writeAggregated(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'Content-Type': AGGREGATED_DISCOVERY_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function injectedFailure(code: number): Status {
  const reasons: Record<number, string> = {
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      code === 500
        ? 'Internal error occurred: injected fault'
        : 'the server is currently unable to handle the request (injected fault)',
    reason: reasons[code] ?? 'InternalError',
    details: code === 429 || code === 503 ? { retryAfterSeconds: 1 } : {},
    code,
  };
}
