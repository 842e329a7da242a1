import {
  type ApiServer,
  createApiServer,
  type ObservedRequest,
} from '../../../../src/sim/http/api-server.js';
import { createRegistry, type SimRegistry } from '../../../../src/sim/registry/sim-registry.js';
import { createMemoryStore, type MemoryStore } from '../../../../src/sim/store/memory-store.js';
import { Kubectl } from '../../../support/kubectl.js';
import { ManualClock } from './manual-clock.js';
import { markRunning, NODES, nodeObject, PODS, podObject, seedNamespaces } from './seed.js';

export interface TestApi {
  clock: ManualClock;
  store: MemoryStore;
  registry: SimRegistry;
  api: ApiServer;
  kubectl: Kubectl;
  /** Every request the server saw, oldest first; tests may clear it. */
  requests: ObservedRequest[];
  /** fetch against the server: `request('/api/v1/nodes', { headers })`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A registry and API server on loopback with two worker nodes and a few pods created directly, plus a kubectl
 * bound to it. Objects are created at the clock's start; tests advance the clock to get exact ages.
 */
export async function startTestApi(
  options: { https?: boolean; historyLimit?: number; seed?: boolean; aggregatedDiscovery?: boolean } = {},
): Promise<TestApi> {
  const clock = new ManualClock();
  const store = createMemoryStore({ historyLimit: options.historyLimit });
  const registry = createRegistry({ clock, store });
  if (options.seed !== false) {
    await seedNamespaces(registry, 'team');
    await registry.create(NODES, undefined, nodeObject('worker-1', { role: 'worker', ip: '10.0.0.11' }), {
      keepStatus: true,
    });
    await registry.create(NODES, undefined, nodeObject('worker-2', { role: 'worker', ip: '10.0.0.12' }));
    await registry.create(PODS, 'default', podObject('web-1', 'default', 'worker-1', { app: 'web' }));
    await registry.create(PODS, 'default', podObject('web-2', 'default', 'worker-2', { app: 'web' }));
    await registry.create(PODS, 'team', podObject('db-1', 'team', 'worker-1', { app: 'db' }));
    await markRunning(registry, 'default', 'web-1', '10.244.1.5');
    await markRunning(registry, 'default', 'web-2', '10.244.2.5');
  }
  const requests: ObservedRequest[] = [];
  const api = await createApiServer({
    registry,
    clock,
    https: options.https,
    aggregatedDiscovery: options.aggregatedDiscovery,
    bookmarkIntervalMs: 200,
    onRequest: (request) => {
      if (requests.length < 10_000) requests.push(request);
    },
  });
  const kubectl = await Kubectl.forKubeconfig(api.kubeconfig());
  return {
    clock,
    store,
    registry,
    api,
    kubectl,
    requests,
    request: (path, init) => fetch(`${api.url}${path}`, init),
    async close() {
      await api.close();
      await kubectl.dispose();
    },
  };
}

/** Reads NDJSON watch lines from a fetch response until `count` lines or `ms` pass. */
export async function readWatchLines(response: Response, count: number, ms = 5000): Promise<unknown[]> {
  return (await readWatch(response, count, ms)).lines;
}

/** As readWatchLines, and says whether the server ended the stream. */
export async function readWatch(
  response: Response,
  count: number,
  ms = 5000,
): Promise<{ lines: unknown[]; ended: boolean }> {
  const body = response.body;
  let ended = false;
  if (!body) return { lines: [], ended: true };
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines: unknown[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  try {
    while (lines.length < count && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), Math.max(1, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
      if (chunk?.done) ended = true;
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim()) lines.push(JSON.parse(line));
        newline = buffer.indexOf('\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { lines, ended };
}

export const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
