import { type Status, StatusError } from '../types.js';

function failure(code: number, message: string, extra: Partial<Status> = {}): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...extra,
    code,
  });
}

const budgetMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

/** The budget is at zero: 429 with no Retry-After, so kubectl drain prints it and retries every 5 s. */
export function budgetExhausted(pdb: string, desiredHealthy: number, currentHealthy: number): StatusError {
  return failure(429, budgetMessage, {
    reason: 'TooManyRequests',
    details: {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${pdb} needs ${desiredHealthy} healthy pods and has ${currentHealthy} currently`,
        },
      ],
    },
  });
}

/** The PDB controller has not caught up with the budget's spec: 429 + Retry-After 10, retried by client-go. */
export function budgetBeingProcessed(pdb: string): StatusError {
  return failure(429, budgetMessage, {
    reason: 'TooManyRequests',
    details: {
      causes: [
        {
          reason: 'DisruptionBudget',
          message: `The disruption budget ${pdb} is still being processed by the server.`,
        },
      ],
      retryAfterSeconds: 10,
    },
  });
}

/** Several budgets select the pod: a 500 without a reason, exactly as the API server's finisher writes it. */
export function moreThanOneBudget(): StatusError {
  return failure(
    500,
    'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
  );
}

export function budgetForbidden(pdb: string, why: string): StatusError {
  return failure(403, `poddisruptionbudget.policy "${pdb}" is forbidden: ${why}`, {
    reason: 'Forbidden',
    details: { name: pdb, group: 'policy', kind: 'poddisruptionbudget' },
  });
}

export function budgetUpdateConflicts(pdb: string): StatusError {
  return failure(504, `couldn't update PodDisruptionBudget "${pdb}" due to conflicts`, {
    reason: 'Timeout',
    details: { retryAfterSeconds: 10 },
  });
}

export function badEviction(message: string): StatusError {
  return failure(400, message, { reason: 'BadRequest' });
}

export function invalidEviction(name: string, field: string, message: string): StatusError {
  return failure(422, `Eviction.policy "${name}" is invalid: ${field}: ${message}`, {
    reason: 'Invalid',
    details: {
      name,
      group: 'policy',
      kind: 'Eviction',
      causes: [{ reason: 'FieldValueNotSupported', message, field }],
    },
  });
}

export function evictionMethodNotAllowed(): StatusError {
  return failure(405, 'the server does not allow this method on the requested resource', {
    reason: 'MethodNotAllowed',
  });
}

/** The delete precondition refusal, raised before the DisruptionTarget update would hide the change. */
export function resourceVersionConflict(pod: string, expected: string, actual: string): StatusError {
  return failure(
    409,
    `Operation cannot be fulfilled on pods "${pod}": the ResourceVersion in the precondition (${expected}) does not match the ResourceVersion in record (${actual}). The object might have been modified`,
    { reason: 'Conflict', details: { name: pod, kind: 'pods' } },
  );
}

export function isConflict(error: unknown): boolean {
  return error instanceof StatusError && error.code === 409;
}
