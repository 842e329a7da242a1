import { type ResourceRef, type Status, type StatusCause, StatusError } from '../types.js';

/** `pods`, `deployments.apps`: how the API server names a resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

function failure(
  code: number,
  reason: string | undefined,
  message: string,
  details?: Status['details'],
): StatusError {
  // Field order as the real server writes it: …, message, reason, details, code.
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
  return new StatusError(status);
}

function resourceDetails(ref: ResourceRef, name: string): Status['details'] {
  return ref.group ? { name, group: ref.group, kind: ref.resource } : { name, kind: ref.resource };
}

export function notFound(ref: ResourceRef, name: string): StatusError {
  return failure(
    404,
    'NotFound',
    `${qualifiedResource(ref)} "${name}" not found`,
    resourceDetails(ref, name),
  );
}

/** A path the server does not serve at all. */
export function resourceNotServed(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(ref: ResourceRef, name: string): StatusError {
  return failure(
    409,
    'AlreadyExists',
    `${qualifiedResource(ref)} "${name}" already exists`,
    resourceDetails(ref, name),
  );
}

export function conflict(ref: ResourceRef, name: string, why: string): StatusError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`,
    resourceDetails(ref, name),
  );
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 Invalid: `details.kind` is the Kind here, not the resource. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  causes: Array<Required<StatusCause>>,
): StatusError {
  const summary = causes.map((cause) => `${cause.field}: ${cause.message}`);
  // schema.GroupKind.String(): `Deployment.apps`, plain `Pod` for the core group.
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const message =
    summary.length === 1
      ? `${qualifiedKind} "${name}" is invalid: ${summary[0]}`
      : `${qualifiedKind} "${name}" is invalid: [${summary.join(', ')}]`;
  const details: Status['details'] = { name, ...(group ? { group } : {}), kind, causes };
  return failure(422, 'Invalid', message, details);
}

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function forbidden(ref: ResourceRef, name: string, why: string, causes?: StatusCause[]): StatusError {
  const what = name ? `${qualifiedResource(ref)} "${name}"` : qualifiedResource(ref);
  return failure(403, 'Forbidden', `${what} is forbidden: ${why}`, {
    ...resourceDetails(ref, name),
    ...(causes ? { causes } : {}),
  });
}

export function expired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

export function internalError(message: string): StatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}

/** What a non-Status Go error becomes: 500 with reason Unknown (`handlers/responsewriters/status.go`). */
export function unknownError(message: string): StatusError {
  return failure(500, 'Unknown', message);
}

export function unsupportedMediaType(message: string): StatusError {
  return failure(415, 'UnsupportedMediaType', message);
}

export function methodNotAllowed(message: string): StatusError {
  return failure(405, 'MethodNotAllowed', message);
}

export const UNSUPPORTED_PATCH_MESSAGE =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

/** Built-in kinds also accept strategic merge; the list in the message says so (`handlers/patch.go`). */
export const UNSUPPORTED_PATCH_MESSAGE_BUILTIN =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';

export function statusSuccess(code: number, details?: Status['details']): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    code,
  };
}
