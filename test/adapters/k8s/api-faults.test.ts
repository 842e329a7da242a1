import { API_FAULTS, faultRow, isRetryable } from '../../../src/adapters/k8s/api-faults.js';

const TWO_BUDGETS =
  'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

describe('the table of API faults', () => {
  it.each([
    [{}, true],
    [{ code: 429, message: 'Too many requests, please try again later.' }, true],
    [{ code: 500, message: 'etcdserver: request timed out' }, true],
    [{ code: 502 }, true],
    [{ code: 503, message: 'the server is currently unable to handle the request' }, true],
    [{ code: 504 }, true],
    [{ code: 500, message: TWO_BUDGETS }, false],
    [{ code: 400 }, false],
    [{ code: 401 }, false],
    [{ code: 403, message: 'forbidden' }, false],
    [{ code: 404 }, false],
    [{ code: 409 }, false],
    [{ code: 422, message: 'Unprocessable Entity' }, false],
    [{ code: 501 }, false],
  ])('%j: retry %s', (failure, retry) => {
    expect(isRetryable(failure)).toBe(retry);
  });

  it('decides every answer by exactly one row, the first that matches, and says why', () => {
    expect(faultRow({ code: 500, message: TWO_BUDGETS }).answer).toMatch(/more than one PodDisruptionBudget/);
    expect(faultRow({ code: 500 }).answer).toBe('500 Internal Server Error');
    expect(faultRow({ code: 418 })).toBe(API_FAULTS[API_FAULTS.length - 1]);
    for (const row of API_FAULTS) expect(row.why.length).toBeGreaterThan(10);
  });
});
