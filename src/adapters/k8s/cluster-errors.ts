import { ApiException } from '@kubernetes/client-node';
import { BosunError, TransientError } from '../../ops/errors.js';
import { isRetryable } from './api-faults.js';

/** The Status body of an API error, when the server sent one. */
export function statusOf(error: unknown): { code: number; reason?: string; message?: string } | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: { reason?: string; message?: string } = {};
  try {
    body =
      typeof error.body === 'string'
        ? (JSON.parse(error.body) as typeof body)
        : ((error.body ?? {}) as typeof body);
  } catch {
    // not JSON: keep the code alone
  }
  return { code: error.code, reason: body.reason, message: body.message };
}

/**
 * Sorts a failed cluster call into "try again" or "tell the person" by the one table of API faults
 * (api-faults.ts), with words for the channel.
 */
export function translateClusterError(error: unknown, cluster: string): Error {
  const status = statusOf(error);
  if (status) {
    if (status.code === 401) {
      return new BosunError(
        'CLUSTER_UNAUTHORIZED',
        `The API server of \`${cluster}\` rejected bosun's credentials (401).`,
        "Check the kubeconfig's user for this cluster.",
      );
    }
    if (status.code === 403) {
      return new BosunError(
        'CLUSTER_FORBIDDEN',
        `bosun may not do this on \`${cluster}\`: ${status.message ?? 'forbidden'}.`,
        "Grant bosun's service account the permission (see deploy/rbac.yaml).",
      );
    }
    if (isRetryable(status)) {
      return new TransientError(
        `API server of ${cluster} answered ${status.code}: ${status.message ?? status.reason ?? ''}`,
      );
    }
    return new BosunError(
      'CLUSTER_REQUEST_FAILED',
      `The API server of \`${cluster}\` answered ${status.code}: ${status.message ?? status.reason ?? 'error'}.`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransientError(`could not reach the API server of ${cluster}: ${message}`, { cause: error });
}
