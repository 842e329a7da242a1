import type { Job } from 'bullmq';
import { type ActiveJobs, requestJob } from '../src/requests/run-request.js';
import type { WorkerDeps } from '../src/requests/worker-deps.js';

export { ActiveJobs, ShutdownError } from '../src/requests/run-request.js';

/**
 * The processor of the `ops` queue. Every job is one request of one operation (the job's name); the operation
 * comes from `deps.operations` (src/operations/registry.ts) and runs inside the request lifecycle.
 */
export function opsProcessor(
  deps: WorkerDeps,
  active: ActiveJobs,
): (job: Job, token?: string) => Promise<unknown> {
  return requestJob(deps, active);
}
