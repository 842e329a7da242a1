import { type Status, StatusError } from '../types.js';
import type { RequestAttributes } from './attributes.js';

/** `forbiddenMessage` of apiserver's endpoints/handlers/responsewriters/errors.go. */
export function forbiddenMessage(attributes: RequestAttributes): string {
  const user = attributes.user.username;
  if (!attributes.resourceRequest)
    return `User "${user}" cannot ${attributes.verb} path "${attributes.path}"`;
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const what = `User "${user}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.apiGroup}"`;
  return attributes.namespace
    ? `${what} in the namespace "${attributes.namespace}"`
    : `${what} at the cluster scope`;
}

/** `ForbiddenStatusError` → `apierrors.NewForbidden(groupResource, name, err)`. */
export function forbiddenFor(attributes: RequestAttributes, reason: string): StatusError {
  const message = forbiddenMessage(attributes)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  const why = reason ? `${message}: ${reason}` : message;
  const { apiGroup: group, resource, name } = attributes;
  const qualified = group && resource ? `${resource}.${group}` : resource;
  let text: string;
  if (!resource) text = `forbidden: ${why}`;
  else if (!name) text = `${qualified} is forbidden: ${why}`;
  else text = `${qualified} "${name}" is forbidden: ${why}`;
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: text,
    reason: 'Forbidden',
    details: {
      ...(name ? { name } : {}),
      ...(group ? { group } : {}),
      ...(resource ? { kind: resource } : {}),
    },
    code: 403,
  };
  return new StatusError(status);
}
