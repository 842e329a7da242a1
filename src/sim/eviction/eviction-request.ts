import type { DeleteOptions } from '../types.js';
import { badEviction, invalidEviction } from './eviction-errors.js';

/** What an eviction asks for, once its body has been checked. */
export interface EvictionRequest {
  deleteOptions: DeleteOptions;
  dryRun: boolean;
  /** The client sent its own resourceVersion precondition (then the server adds none). */
  clientResourceVersion: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks an Eviction body against the URL (contract 4.1 step 1) and merges `?dryRun=All` with
 * `deleteOptions.dryRun` the way the API server does.
 */
export function parseEvictionRequest(body: unknown, urlName: string, queryDryRun: boolean): EvictionRequest {
  if (!isRecord(body)) throw badEviction('the body of an eviction must be an Eviction object');
  const { kind, apiVersion } = body;
  if (kind !== 'Eviction' || (apiVersion !== 'policy/v1' && apiVersion !== 'policy/v1beta1')) {
    throw badEviction(
      `expected an Eviction in policy/v1 or policy/v1beta1, got kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}`,
    );
  }
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  if (typeof metadata.name === 'string' && metadata.name !== '' && metadata.name !== urlName) {
    throw badEviction('name in URL does not match name in Eviction object');
  }
  const raw = isRecord(body.deleteOptions) ? body.deleteOptions : {};
  const bodyDryRun = Array.isArray(raw.dryRun) ? raw.dryRun.map(String) : [];
  for (const value of bodyDryRun) {
    if (value !== 'All') {
      throw invalidEviction(
        urlName,
        'deleteOptions.dryRun',
        `Unsupported value: "${value}": supported values: "All"`,
      );
    }
  }
  const options: DeleteOptions = {};
  if (typeof raw.gracePeriodSeconds === 'number') options.gracePeriodSeconds = raw.gracePeriodSeconds;
  const preconditions = isRecord(raw.preconditions) ? raw.preconditions : {};
  const uid = typeof preconditions.uid === 'string' ? preconditions.uid : undefined;
  const resourceVersion =
    typeof preconditions.resourceVersion === 'string' ? preconditions.resourceVersion : undefined;
  if (uid !== undefined || resourceVersion !== undefined) {
    options.preconditions = {
      ...(uid !== undefined ? { uid } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    };
  }
  const policy = raw.propagationPolicy;
  if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground')
    options.propagationPolicy = policy;
  const dryRun = queryDryRun || bodyDryRun.includes('All');
  if (dryRun) options.dryRun = true;
  return { deleteOptions: options, dryRun, clientResourceVersion: resourceVersion !== undefined };
}
