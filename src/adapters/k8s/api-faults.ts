/**
 * What bosun does when the API server does not do what was asked: try again, or stop and say why. One table
 * for every call a cluster operation makes; the first row that matches decides. Callers handle the answers
 * that mean something for their call first (an eviction's 404 "already gone", 429 "the budget says wait",
 * 403 "namespace terminating"), then ask this table.
 */

/** A failed call as the table sees it: no `code` when no HTTP answer came (reset, refused, timeout). */
export interface ApiFailure {
  code?: number;
  message?: string;
}

export interface FaultRow {
  /** The answer, in words (the docs print the table). */
  answer: string;
  matches(failure: ApiFailure): boolean;
  retry: boolean;
  why: string;
}

const MORE_THAN_ONE_BUDGET = /more than one PodDisruptionBudget/;

export const API_FAULTS: readonly FaultRow[] = [
  {
    answer: 'no answer: connection refused or reset, timeout',
    matches: (f) => f.code === undefined,
    retry: true,
    why: 'the API server may be restarting or overloaded',
  },
  {
    answer: '429 Too Many Requests',
    matches: (f) => f.code === 429,
    retry: true,
    why: 'API priority and fairness sheds load; wait as long as Retry-After says',
  },
  {
    answer: '500 for an eviction of a pod under more than one PodDisruptionBudget',
    matches: (f) => f.code === 500 && MORE_THAN_ONE_BUDGET.test(f.message ?? ''),
    retry: false,
    why: 'the eviction API never accepts it; fix the budgets (kubectl gives up on the pod too)',
  },
  {
    answer: '500 Internal Server Error',
    matches: (f) => f.code === 500,
    retry: true,
    why: 'usually an apiserver or etcd hiccup (a timeout, a leader change)',
  },
  {
    answer: '502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout',
    matches: (f) => f.code === 502 || f.code === 503 || f.code === 504,
    retry: true,
    why: 'a load balancer or the apiserver is between replicas or overloaded',
  },
  {
    answer: 'anything else: 400, 401, 403, 404, 409, 422, 501, …',
    matches: () => true,
    retry: false,
    why: 'asking again gives the same answer; the reason goes to the thread',
  },
];

/** The row of the table that decides this failure. */
export function faultRow(failure: ApiFailure): FaultRow {
  // The last row matches everything, so there is always one.
  return API_FAULTS.find((row) => row.matches(failure)) as FaultRow;
}

/** Whether the call that failed so is worth trying again. */
export const isRetryable = (failure: ApiFailure): boolean => faultRow(failure).retry;
