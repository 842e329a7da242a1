import type { KubeObject } from '../types.js';
import { controllerRefTo } from './owner-references.js';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface PodFromTemplateOptions {
  /** A fixed name (StatefulSet ordinals); otherwise `generateName` gives the API server's 5-char suffix. */
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** A pod as a workload controller creates it: the template's labels and spec, owned by the controller. */
export function podFromTemplate(
  template: PodTemplate,
  owner: KubeObject,
  options: PodFromTemplateOptions,
): KubeObject {
  const annotations = { ...template.metadata?.annotations, ...options.annotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(options.name
        ? { name: options.name }
        : { generateName: options.generateName ?? `${owner.metadata.name ?? ''}-` }),
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, ...options.labels },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [controllerRefTo(owner)],
    },
    spec: structuredClone({ ...template.spec, ...options.spec }),
  };
}
