import { apiServiceName, apiServicePriority } from '../catalog/api-priorities.js';
import { rfc3339 } from '../registry/rfc3339.js';
import { type KubeObject, type ResourceRef, StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';

const APISERVICES: ResourceRef = { group: 'apiregistration.k8s.io', resource: 'apiservices' };
const AUTOMANAGED = 'kube-aggregator.kubernetes.io/automanaged';

/**
 * kube-apiserver's autoregister controller: one APIService per served group-version (`v1.`, `v1.apps`, …), Local
 * (no service) and Available, labelled automanaged `onstart` for the built-in groups and `true` for those a
 * CustomResourceDefinition adds; these last are removed again when the CRD's versions stop being served.
 */
export function startApiServiceRegistration(context: ControllerContext): Controller {
  const { registry, clock } = context;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const served = () => {
    const names = new Map<string, { group: string; version: string }>();
    for (const info of registry.catalog) {
      for (const version of [info.version, ...(info.otherVersions ?? [])]) {
        names.set(apiServiceName(info.group, version), { group: info.group, version });
      }
    }
    return names;
  };

  const apiService = (group: string, version: string): KubeObject => {
    const priority = apiServicePriority(group, version);
    return {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: {
        name: apiServiceName(group, version),
        labels: { [AUTOMANAGED]: priority.builtin ? 'onstart' : 'true' },
      },
      spec: {
        ...(group ? { group } : {}),
        version,
        groupPriorityMinimum: priority.groupPriorityMinimum,
        versionPriority: priority.versionPriority,
      },
      status: {
        conditions: [
          {
            type: 'Available',
            status: 'True',
            lastTransitionTime: rfc3339(clock.now()),
            reason: 'Local',
            message: 'Local APIServices are always available',
          },
        ],
      },
    };
  };

  const sync = async () => {
    if (stopped) return;
    const wanted = served();
    const { items } = await registry.list(APISERVICES);
    const existing = new Set(items.map((item) => item.metadata.name ?? ''));
    for (const [name, gv] of wanted) {
      if (existing.has(name)) continue;
      try {
        await registry.create(APISERVICES, undefined, apiService(gv.group, gv.version), { keepStatus: true });
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 409)) throw error;
      }
    }
    for (const item of items) {
      const name = item.metadata.name ?? '';
      if (wanted.has(name) || item.metadata.labels?.[AUTOMANAGED] !== 'true') continue;
      try {
        await registry.delete(APISERVICES, undefined, name);
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 404)) throw error;
      }
    }
  };

  const schedule = () => {
    running = running.then(sync).catch((error: unknown) => {
      context.log.warn({ error: String(error) }, 'apiservice registration failed');
    });
  };
  let unsubscribe: () => void = () => undefined;

  return {
    name: 'apiservice-registration',
    start() {
      unsubscribe = registry.onCatalogChange(schedule);
      schedule();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      await running;
    },
  };
}
