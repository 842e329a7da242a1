import { createHash } from 'node:crypto';
import type { GroupVersionResources } from '../catalog/resource-catalog.js';
import { kindClassName } from '../openapi/model-catalog.js';
import { componentSchemas, type RootKind } from '../openapi/schemas.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function hashOf(value: unknown): string {
  return createHash('sha512').update(JSON.stringify(value)).digest('hex').slice(0, 64).toUpperCase();
}

/**
 * OpenAPI v3 as the API server serves it: the root lists each group-version with a hash; each group-version
 * document has a PATCH operation per kind (x-kubernetes-group-version-kind and a fieldValidation parameter, so
 * `kubectl apply` validates on the server, contract 1.3) and the kinds' schemas in `components.schemas` (from the
 * client-node models, src/sim/openapi), which `kubectl explain` renders. Documents are built when first asked for.
 */
export class OpenApiDocuments {
  private readonly groupVersions = new Map<string, GroupVersionResources>();
  private readonly documents = new Map<string, unknown>();
  private readonly root: { paths: Record<string, { serverRelativeURL: string }> } = { paths: {} };

  constructor(groupVersions: GroupVersionResources[]) {
    for (const gv of groupVersions) {
      const path = gvPath(gv.group, gv.version);
      this.groupVersions.set(path, gv);
      const kinds = gv.resources.map((info) => `${info.resource}/${info.kind}/${info.namespaced}`);
      this.root.paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(kinds)}` };
    }
  }

  rootDocument(): unknown {
    return this.root;
  }

  /** The document for `api/v1` or `apis/<g>/<v>`, if served. */
  groupVersionDocument(path: string): unknown {
    const cached = this.documents.get(path);
    if (cached) return cached;
    const gv = this.groupVersions.get(path);
    if (!gv) return undefined;
    const document = gvDocument(gv);
    this.documents.set(path, document);
    return document;
  }
}

function gvDocument(gv: GroupVersionResources): unknown {
  const paths: Record<string, unknown> = {};
  const roots: RootKind[] = [];
  for (const info of gv.resources) {
    const className = kindClassName(info.group, gv.version, info.kind);
    if (className) roots.push({ className, group: info.group, version: gv.version, kind: info.kind });
  }
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
    components: { schemas: componentSchemas(roots) },
  };
}
