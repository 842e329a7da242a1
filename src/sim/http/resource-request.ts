import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import type { Clock } from '../../shared/clock.js';
import { decodeBuiltin, fieldValidationOf, warningHeaders } from '../openapi/typed-decode.js';
import { managerOf } from '../registry/managed-fields.js';
import {
  badRequest,
  invalid,
  methodNotAllowed,
  resourceNotServed,
  UNSUPPORTED_PATCH_MESSAGE,
  UNSUPPORTED_PATCH_MESSAGE_BUILTIN,
  unsupportedMediaType,
} from '../registry/status-errors.js';
import type { DeleteOptions, KubeObject, PatchType, Registry, ResourceInfo } from '../types.js';
import { COMPONENT_STATUS_WARNING, getComponentStatus, listComponentStatuses } from './component-statuses.js';
import { decodeProtobufDeleteOptions, deleteOptionsFromJson } from './delete-options.js';
import type { FaultInjector } from './fault-injector.js';
import { writeJson, writeProtobuf } from './http-response.js';
import { baseContentType, negotiateShape, prefersProtobuf, type ResponseShape } from './media-type.js';
import { decodeObject, encodeObject, PROTOBUF_CONTENT_TYPE } from './protobuf/k8s-protobuf.js';
import { queryBool, queryOptionalBool } from './query-params.js';
import type { ApiPath } from './request-path.js';
import { includeObjectOf, tableVersion, withVersion } from './response-shape.js';
import { partialObjectMetadata, toTable } from './table/table-convertor.js';
import { checkVerb } from './verbs.js';
import { streamWatch } from './watch-stream.js';

export interface ResourceRequest {
  registry: Registry;
  clock: Clock;
  faults: FaultInjector;
  bookmarkIntervalMs: number;
  random: () => number;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  body: Buffer;
  path: Extract<ApiPath, { type: 'resource' }>;
  resources: ResourceInfo[];
}

const PATCH_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

const OPTIONS_KIND: Readonly<Record<string, string>> = {
  POST: 'CreateOptions',
  PUT: 'UpdateOptions',
  PATCH: 'PatchOptions',
  DELETE: 'DeleteOptions',
};

/** Serves one request on a resource path: get, list, watch, create, update, patch, delete, subresources. */
export async function serveResource(request: ResourceRequest): Promise<void> {
  const { path, method, url, registry } = request;
  const info = request.resources.find((candidate) => candidate.resource === path.resource);
  if (!info) throw resourceNotServed();
  if (path.namespace !== undefined && !info.namespaced) throw resourceNotServed();
  const namespace = info.namespaced ? path.namespace : undefined;
  const apiVersion = info.group ? `${info.group}/${path.version}` : path.version;
  const query = url.searchParams;
  const dryRun = parseDryRun(query.getAll('dryRun'), method);
  const shape = negotiateShape(request.req.headers.accept);
  const name = path.name;
  const sub = path.subresource;
  const subresourceKnown = sub === undefined || (info.subresources ?? []).includes(sub);
  if (!subresourceKnown) throw resourceNotServed();
  if (sub === undefined) {
    const watch = method === 'GET' && queryBool(query, 'watch');
    const route = checkVerb(info, method, { name, namespace: path.namespace }, watch);
    if (!route.ok) throw route.error === 'not-found' ? resourceNotServed() : route.error;
    if (!info.group && info.resource === 'componentstatuses')
      return serveComponentStatuses(request, info, shape, name);
    if (!info.group && info.resource === 'bindings') return bindPod(request, namespace, dryRun);
  }

  if (method === 'GET') {
    if (name === undefined) {
      if (queryBool(query, 'watch')) {
        await streamWatch(request, info, namespace, apiVersion, shape, includeObjectOf(query));
        return;
      }
      const result = await registry.list(info, {
        namespace,
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        limit: parseLimit(query.get('limit')),
        continue: query.get('continue') ?? undefined,
      });
      const listMetadata = {
        resourceVersion: result.resourceVersion,
        ...(result.continue ? { continue: result.continue } : {}),
        ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
      };
      const items = result.items.map((item) => withVersion(item, info, apiVersion));
      if (shape.shape === 'table') {
        const table = toTable(info, items, request.clock.now(), {
          includeObject: includeObjectOf(query),
          listMetadata,
        });
        return writeJson(request.res, 200, tableVersion(table, shape));
      }
      if (shape.shape === 'metadata') {
        return writeJson(request.res, 200, {
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata: listMetadata,
          items: items.map(partialObjectMetadata),
        });
      }
      return writeNegotiated(request, info, 200, {
        kind: `${info.kind}List`,
        apiVersion,
        metadata: listMetadata,
        items: info.custom ? items : items.map(stripTypeMeta),
      });
    }
    if (sub !== undefined && !statusLike(sub)) {
      const answer = await registry.invokeSubresource({
        verb: 'get',
        ref: info,
        namespace,
        name,
        subresource: sub,
        body: undefined,
        dryRun: false,
      });
      return writeJson(request.res, answer.code, answer.body);
    }
    const object = withVersion(await registry.get(info, namespace, name), info, apiVersion);
    return writeObject(request, info, object, shape, 200);
  }

  if (method === 'POST') {
    if (name === undefined) {
      const body = decodedBody(request, info, path.version);
      const created = await registry.create(info, namespace, body, {
        dryRun,
        fieldManager: managerOfRequest(request),
      });
      return writeObject(request, info, withVersion(created, info, apiVersion), shape, 201);
    }
    if (sub === undefined || statusLike(sub))
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    const answer = await registry.invokeSubresource({
      verb: 'create',
      ref: info,
      namespace,
      name,
      subresource: sub,
      body: parseJsonBody(request),
      dryRun,
    });
    return writeJson(request.res, answer.code, answer.body);
  }

  if (name === undefined && method !== 'DELETE')
    throw methodNotAllowed('the server does not allow this method on the requested resource');

  if (method === 'PUT' && name !== undefined) {
    if (sub !== undefined && !statusLike(sub)) {
      const answer = await registry.invokeSubresource({
        verb: 'update',
        ref: info,
        namespace,
        name,
        subresource: sub,
        body: parseJsonBody(request),
        dryRun,
      });
      return writeJson(request.res, answer.code, answer.body);
    }
    const body = decodedBody(request, info, path.version);
    const bodyName = body.metadata?.name;
    if (bodyName && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    const updated = await registry.update(
      info,
      namespace,
      { ...body, metadata: { ...(body.metadata ?? {}), name } },
      {
        dryRun,
        subresource: statusLike(sub) ? 'status' : undefined,
        fieldManager: managerOfRequest(request),
      },
    );
    return writeObject(request, info, withVersion(updated, info, apiVersion), shape, 200);
  }

  if (method === 'PATCH' && name !== undefined) {
    const type = PATCH_TYPES[baseContentType(request.req.headers['content-type'])];
    if (!type)
      throw unsupportedMediaType(info.custom ? UNSUPPORTED_PATCH_MESSAGE : UNSUPPORTED_PATCH_MESSAGE_BUILTIN);
    if (type === 'apply' && !query.get('fieldManager')) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
          field: 'fieldManager',
        },
      ]);
    }
    const patch = type === 'apply' ? parseYamlBody(request) : parseJsonBody(request);
    if (sub !== undefined && !statusLike(sub)) {
      const answer = await registry.invokeSubresource({
        verb: 'patch',
        ref: info,
        namespace,
        name,
        subresource: sub,
        body: patch,
        patchType: type,
        dryRun,
      });
      return writeJson(request.res, answer.code, answer.body);
    }
    // Server-side apply of something new creates it, and then answers 201 Created.
    const creates =
      type === 'apply' &&
      sub === undefined &&
      (await registry.get(info, namespace, name).then(
        () => false,
        () => true,
      ));
    const patched = await registry.patch(info, namespace, name, type, patch, {
      dryRun,
      subresource: statusLike(sub) ? 'status' : undefined,
      fieldManager: managerOfRequest(request),
    });
    return writeObject(request, info, withVersion(patched, info, apiVersion), shape, creates ? 201 : 200);
  }

  if (method === 'DELETE') {
    const options = deleteOptionsOf(request, dryRun);
    if (name === undefined) {
      const deleted = await registry.deleteCollection(info, {
        ...options,
        namespace,
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
      });
      return writeJson(request.res, 200, {
        kind: `${info.kind}List`,
        apiVersion,
        metadata: {},
        items: deleted
          .map((item) => withVersion(item, info, apiVersion))
          .map(info.custom ? (o) => o : stripTypeMeta),
      });
    }
    if (sub !== undefined)
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    const outcome = await registry.deleteWithOutcome(info, namespace, name, options);
    if (outcome.removed && !info.returnsDeletedObject) {
      // The store's finalizeDelete answer: Status Success without a code.
      return writeJson(request.res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          ...(info.group ? { group: info.group } : {}),
          kind: info.resource,
          uid: outcome.object.metadata.uid,
        },
      });
    }
    return writeObject(request, info, withVersion(outcome.object, info, apiVersion), shape, 200);
  }

  throw methodNotAllowed('the server does not allow this method on the requested resource');
}

/** `componentstatuses`: computed on every read, never stored (get and list only; checkVerb refused the rest). */
function serveComponentStatuses(
  request: ResourceRequest,
  info: ResourceInfo,
  shape: ResponseShape,
  name: string | undefined,
): void {
  request.res.setHeader('Warning', COMPONENT_STATUS_WARNING);
  if (name !== undefined) {
    writeObject(request, info, getComponentStatus(name), shape, 200);
    return;
  }
  const items = listComponentStatuses();
  if (shape.shape === 'table') {
    const table = toTable(info, items, request.clock.now(), {
      includeObject: includeObjectOf(request.url.searchParams),
      listMetadata: {},
    });
    writeJson(request.res, 200, tableVersion(table, shape));
    return;
  }
  writeJson(request.res, 200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items });
}

/** `POST …/namespaces/<ns>/bindings`: the older form of `pods/<name>/binding`; the Binding names the pod. */
async function bindPod(
  request: ResourceRequest,
  namespace: string | undefined,
  dryRun: boolean,
): Promise<void> {
  const body = parseObjectBody(request);
  const pod = body.metadata?.name;
  if (!pod) throw badRequest('name is required for a Binding');
  const answer = await request.registry.invokeSubresource({
    verb: 'create',
    ref: { group: '', resource: 'pods' },
    namespace,
    name: pod,
    subresource: 'binding',
    body,
    dryRun,
  });
  writeJson(request.res, answer.code, answer.body);
}

/** `certificatesigningrequests/approval` writes only status conditions, as `status` writes status. */
function statusLike(subresource: string | undefined): boolean {
  return subresource === 'status' || subresource === 'approval';
}

function writeObject(
  request: ResourceRequest,
  info: ResourceInfo,
  object: KubeObject,
  shape: ResponseShape,
  code: number,
): void {
  if (shape.shape === 'table' && request.method === 'GET') {
    const table = toTable(info, [object], request.clock.now(), {
      includeObject: includeObjectOf(request.url.searchParams),
      listMetadata: { resourceVersion: object.metadata.resourceVersion },
    });
    writeJson(request.res, code, tableVersion(table, shape));
  } else if (shape.shape === 'metadata' && request.method === 'GET') {
    writeJson(request.res, code, partialObjectMetadata(object));
  } else {
    writeNegotiated(request, info, code, object);
  }
}

/** A plain object or list: protobuf when the client prefers it and the kind has a message, else JSON. */
function writeNegotiated(
  request: ResourceRequest,
  info: ResourceInfo,
  code: number,
  body: Record<string, unknown>,
): void {
  const encoded =
    !info.custom && prefersProtobuf(request.req.headers.accept) ? encodeObject(body) : undefined;
  if (encoded) writeProtobuf(request.res, code, encoded);
  else writeJson(request.res, code, body);
}

/** `?fieldManager=`, else the User-Agent's product (handlers/create.go managerOrUserAgent). */
function managerOfRequest(request: ResourceRequest): string {
  return managerOf(request.url.searchParams.get('fieldManager'), request.req.headers['user-agent']);
}

function stripTypeMeta(object: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest as KubeObject;
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const limit = Number(value);
  return Number.isInteger(limit) && limit > 0 ? limit : undefined;
}

function parseDryRun(values: string[], method: string): boolean {
  if (values.length === 0) return false;
  for (const value of values) {
    if (value !== 'All') {
      throw invalid(OPTIONS_KIND[method] ?? 'CreateOptions', 'meta.k8s.io', '', [
        {
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: "${value}": supported values: "All"`,
          field: 'dryRun',
        },
      ]);
    }
  }
  return true;
}

function parseJsonBody(request: ResourceRequest): unknown {
  if (request.body.length === 0) return undefined;
  const type = baseContentType(request.req.headers['content-type']);
  const text = request.body.toString('utf8');
  if (type === 'application/yaml') return parseYamlBody(request);
  if (type === PROTOBUF_CONTENT_TYPE) return parseProtobufBody(request);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Built-in kinds decode with Kubernetes' generated.proto; custom resources (and unknown kinds) are a 415. */
function parseProtobufBody(request: ResourceRequest): unknown {
  const unsupported = () =>
    unsupportedMediaType(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
  const info = request.resources.find((candidate) => candidate.resource === request.path.resource);
  if (!info || info.custom) throw unsupported();
  let decoded: Record<string, unknown> | undefined;
  try {
    decoded = decodeObject(request.body);
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
  if (!decoded) throw unsupported();
  return decoded;
}

function parseYamlBody(request: ResourceRequest): unknown {
  try {
    return YAML.parse(request.body.toString('utf8'));
  } catch (error) {
    throw badRequest(
      `error converting YAML to JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function parseObjectBody(request: ResourceRequest): KubeObject {
  const body = parseJsonBody(request);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest("Object 'Kind' is missing in the request body");
  }
  return body as KubeObject;
}

/** A create or update body as the server's decoder reads it (src/sim/openapi/typed-decode.ts), warnings sent. */
function decodedBody(request: ResourceRequest, info: ResourceInfo, version: string): KubeObject {
  const warnings: string[] = [];
  const validation = fieldValidationOf(request.url.searchParams.get('fieldValidation'));
  const body = decodeBuiltin(info, version, parseObjectBody(request), validation, warnings);
  if (warnings.length > 0) request.res.setHeader('Warning', warningHeaders(warnings));
  return body;
}

/** DeleteOptions from the query, a JSON body, or the protobuf body of client-go's typed clients. */
function deleteOptionsOf(request: ResourceRequest, queryDryRun: boolean): DeleteOptions {
  const type = baseContentType(request.req.headers['content-type']);
  let options: DeleteOptions & { dryRunValues?: string[] } = {};
  if (request.body.length > 0) {
    if (type === PROTOBUF_CONTENT_TYPE) options = decodeProtobufDeleteOptions(request.body);
    else options = deleteOptionsFromJson(parseJsonBody(request));
  }
  const query = request.url.searchParams;
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null && grace !== '') options.gracePeriodSeconds = Number(grace);
  const policy = query.get('propagationPolicy');
  if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground')
    options.propagationPolicy = policy;
  else if (queryOptionalBool(query, 'orphanDependents') === true) options.propagationPolicy = 'Orphan';
  if (options.dryRunValues) {
    parseDryRun(options.dryRunValues, 'DELETE');
    options.dryRun = options.dryRunValues.length > 0;
  }
  const { dryRunValues: _values, ...rest } = options;
  return { ...rest, dryRun: queryDryRun || rest.dryRun === true };
}
