import http from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import type {
  ClusterResources,
  Discovery,
  KubeObject,
  ListOptions,
  ListPage,
  ServedResource,
  WriteOptions,
} from '../../ports/cluster-resources.js';
import { ResourceWriteError } from '../../ports/cluster-resources.js';
import { statusOf, translateClusterError } from './cluster-errors.js';

interface GroupList {
  groups: { name: string; preferredVersion?: { groupVersion: string; version: string } }[];
}
interface ResourceList {
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

/** Connection settings taken from the kubeconfig once: the agent (TLS, kept alive), headers and the server. */
interface Connection {
  server: URL;
  agent: http.Agent;
  headers: Record<string, string>;
  secure: boolean;
}

const CALL_TIMEOUT_MS = 60_000;

/**
 * ClusterResources over the API server's REST paths, with the kubeconfig's credentials (client-node applies
 * them), raw JSON in and out: client-node's typed models would turn timestamps into Dates and drop the fields
 * of kinds they do not know, and a backup must keep an object exactly as served.
 */
export class KubeClusterResources implements ClusterResources {
  private connection?: Promise<Connection>;

  constructor(
    private readonly kc: KubeConfig,
    private readonly cluster: string,
  ) {}

  async discover(signal?: AbortSignal): Promise<Discovery> {
    const failures: string[] = [];
    const resources: ServedResource[] = [];
    const add = (group: string, version: string, list: ResourceList) => {
      for (const r of list.resources) {
        resources.push({
          group,
          version,
          resource: r.name,
          kind: r.kind,
          namespaced: r.namespaced,
          verbs: r.verbs,
        });
      }
    };
    add('', 'v1', await this.getJson<ResourceList>('/api/v1', signal));
    const groups = await this.getJson<GroupList>('/apis', signal);
    await Promise.all(
      groups.groups.map(async (g) => {
        const preferred = g.preferredVersion;
        if (!preferred) return;
        try {
          add(
            g.name,
            preferred.version,
            await this.getJson<ResourceList>(`/apis/${preferred.groupVersion}`, signal),
          );
        } catch (error) {
          if (signal?.aborted) throw error;
          failures.push(
            `${preferred.groupVersion}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }),
    );
    failures.sort();
    return { resources, failures };
  }

  async list(resource: ServedResource, options: ListOptions, signal?: AbortSignal): Promise<ListPage> {
    const query = new URLSearchParams({ limit: String(options.limit) });
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.continue) query.set('continue', options.continue);
    const path = `${collectionPath(resource, resource.namespaced ? options.namespace : undefined)}?${query}`;
    const list = await this.getJson<{ items?: KubeObject[]; metadata?: { continue?: string } }>(path, signal);
    const kind = resource.kind;
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    // A list's items carry no apiVersion and kind on the wire; a file of one object needs them.
    const items = (list.items ?? []).map((item) => ({ apiVersion, kind, ...item }));
    return { items, continue: list.metadata?.continue || undefined };
  }

  async get(
    resource: ServedResource,
    namespace: string | undefined,
    name: string,
    signal?: AbortSignal,
  ): Promise<KubeObject | undefined> {
    try {
      return await this.getJson<KubeObject>(
        `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`,
        signal,
      );
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw translateClusterError(error, this.cluster);
    }
  }

  async create(
    resource: ServedResource,
    object: KubeObject,
    options: WriteOptions = {},
    signal?: AbortSignal,
  ): Promise<KubeObject> {
    const path = collectionPath(resource, object.metadata?.namespace);
    return await this.write('POST', path, object, options, signal);
  }

  async replace(
    resource: ServedResource,
    object: KubeObject,
    options: WriteOptions = {},
    signal?: AbortSignal,
  ): Promise<KubeObject> {
    const path = `${collectionPath(resource, object.metadata?.namespace)}/${encodeURIComponent(object.metadata?.name ?? '')}`;
    return await this.write('PUT', path, object, options, signal);
  }

  private async write(
    method: 'POST' | 'PUT',
    path: string,
    object: KubeObject,
    options: WriteOptions,
    signal?: AbortSignal,
  ): Promise<KubeObject> {
    const query = options.dryRun ? '?dryRun=All' : '';
    try {
      return JSON.parse(
        await this.call(method, `${path}${query}`, JSON.stringify(object), signal),
      ) as KubeObject;
    } catch (error) {
      const status = statusOf(error);
      // Refusals that are about the object (exists, invalid, unknown kind) are the caller's to judge.
      if (status && status.code >= 400 && status.code < 500 && status.code !== 401 && status.code !== 429) {
        throw new ResourceWriteError(
          status.code,
          status.reason ?? '',
          status.message ?? `answered ${status.code}`,
        );
      }
      throw translateClusterError(error, this.cluster);
    }
  }

  private async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    try {
      return JSON.parse(await this.call('GET', path, undefined, signal)) as T;
    } catch (error) {
      if (error instanceof ApiException) throw error;
      throw translateClusterError(error, this.cluster);
    }
  }

  private async connect(): Promise<Connection> {
    this.connection ??= (async () => {
      const cluster = this.kc.getCurrentCluster();
      if (!cluster) throw new Error(`the kubeconfig of ${this.cluster} has no current cluster`);
      const options: https.RequestOptions = {};
      await this.kc.applyToHTTPSOptions(options);
      const server = new URL(cluster.server);
      const secure = server.protocol === 'https:';
      const tls = {
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        pfx: options.pfx,
        passphrase: options.passphrase,
        rejectUnauthorized: options.rejectUnauthorized,
        servername: options.servername,
      };
      const agent = secure
        ? new https.Agent({ ...tls, keepAlive: true })
        : new http.Agent({ keepAlive: true });
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(options.headers ?? {})) {
        if (typeof value === 'string' || typeof value === 'number') headers[key] = String(value);
      }
      if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
      return { server, agent, headers, secure };
    })();
    return await this.connection;
  }

  /** One request; answers the body of a 2xx, throws client-node's ApiException (with the Status body) otherwise. */
  private async call(
    method: string,
    path: string,
    body: string | undefined,
    signal?: AbortSignal,
  ): Promise<string> {
    const { server, agent, headers, secure } = await this.connect();
    const base = server.pathname.replace(/\/$/, '');
    const url = new URL(`${base}${path}`, server);
    const send = secure ? https.request : http.request;
    return await new Promise<string>((resolve, reject) => {
      const request = send(
        url,
        {
          method,
          agent,
          signal,
          timeout: CALL_TIMEOUT_MS,
          headers: {
            ...headers,
            accept: 'application/json',
            'user-agent': 'bosun',
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const code = response.statusCode ?? 0;
            if (code >= 200 && code < 300) resolve(text);
            else
              reject(
                new ApiException(
                  code,
                  `${method} ${path} answered ${code}`,
                  text,
                  toHeaders(response.headers),
                ),
              );
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS / 1000} s`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}

function toHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `/api/v1/namespaces/ns/configmaps`, `/apis/apps/v1/deployments`: a resource's collection, in a namespace or not. */
export function collectionPath(resource: ServedResource, namespace: string | undefined): string {
  const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  const scope = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${resource.resource}`;
}
