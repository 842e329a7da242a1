import { createHash } from 'node:crypto';
import type { GroupVersionResources } from '../catalog/resource-catalog.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function hashOf(value: unknown): string {
  return createHash('sha512').update(JSON.stringify(value)).digest('hex').slice(0, 64).toUpperCase();
}

/**
 * The minimal OpenAPI v3 that lets `kubectl apply` use server-side field validation: a PATCH operation per kind
 * carrying x-kubernetes-group-version-kind and a fieldValidation parameter (contract 1.3).
 */
export class OpenApiDocuments {
  private readonly documents = new Map<string, unknown>();
  private readonly root: { paths: Record<string, { serverRelativeURL: string }> } = { paths: {} };

  constructor(groupVersions: GroupVersionResources[]) {
    for (const gv of groupVersions) {
      const document = gvDocument(gv);
      const path = gvPath(gv.group, gv.version);
      this.documents.set(path, document);
      this.root.paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(document)}` };
    }
  }

  rootDocument(): unknown {
    return this.root;
  }

  /** The document for `api/v1` or `apis/<g>/<v>`, if served. */
  groupVersionDocument(path: string): unknown {
    return this.documents.get(path);
  }
}

function gvDocument(gv: GroupVersionResources): unknown {
  const paths: Record<string, unknown> = {};
  const prefix = `/${gvPath(gv.group, gv.version)}`;
  for (const info of gv.resources) {
    const operation = {
      patch: {
        operationId: `patch${info.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: info.group, version: gv.version, kind: info.kind },
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
        ],
        responses: { '200': { description: 'OK' } },
      },
    };
    const path = info.namespaced
      ? `${prefix}/namespaces/{namespace}/${info.resource}/{name}`
      : `${prefix}/${info.resource}/{name}`;
    paths[path] = operation;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths,
    components: { schemas: {} },
  };
}
