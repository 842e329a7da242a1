import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { TransientError } from '../../ops/errors.js';
import type { EvictionOutcome, PodEviction } from '../../ports/pod-eviction.js';
import type { PodRef } from '../../ports/pod-inventory.js';
import { isRetryable } from './api-faults.js';
import { statusOf, translateClusterError } from './cluster-errors.js';
import { withTimeout } from './with-timeout.js';

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }>; retryAfterSeconds?: number };
}

function body(error: ApiException<unknown>): StatusBody {
  try {
    return (typeof error.body === 'string' ? JSON.parse(error.body) : (error.body ?? {})) as StatusBody;
  } catch {
    return {};
  }
}

/** Evictions through `pods/eviction` (policy/v1), sorted into what a drain does next. */
export class KubePodEviction implements PodEviction {
  constructor(
    private readonly core: CoreV1Api,
    private readonly cluster: string,
  ) {}

  async evict(
    pod: PodRef,
    gracePeriodSeconds: number | undefined,
    signal?: AbortSignal,
  ): Promise<EvictionOutcome> {
    try {
      await withTimeout(
        this.core.createNamespacedPodEviction({
          name: pod.name,
          namespace: pod.namespace,
          body: {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: pod.name, namespace: pod.namespace },
            deleteOptions: gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds },
          },
        }),
        30_000,
        signal,
      );
      return { kind: 'accepted' };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!(error instanceof ApiException)) {
        throw new TransientError(`could not reach the API server of ${this.cluster}: ${String(error)}`, {
          cause: error,
        });
      }
      const status = body(error);
      const causes = status.details?.causes ?? [];
      const message = [status.message, ...causes.map((c) => c.message)].filter(Boolean).join(' ');
      if (error.code === 404) return { kind: 'not-found' };
      if (error.code === 429) {
        const budget = causes
          .map((c) => /The disruption budget (\S+) /.exec(c.message ?? '')?.[1])
          .find((name) => name !== undefined);
        return { kind: 'blocked', budget, message, retryAfterSeconds: status.details?.retryAfterSeconds };
      }
      if (error.code === 403 && causes.some((c) => c.reason === 'NamespaceTerminating')) {
        return { kind: 'namespace-terminating', message };
      }
      if (isRetryable({ code: error.code, message })) {
        throw new TransientError(`API server of ${this.cluster} answered ${error.code}: ${message}`);
      }
      return { kind: 'refused', code: error.code, message: status.message ?? `HTTP ${error.code}` };
    }
  }

  async deletePod(
    pod: PodRef & { uid: string },
    gracePeriodSeconds: number | undefined,
    signal?: AbortSignal,
  ): Promise<'deleted' | 'not-found'> {
    try {
      await withTimeout(
        this.core.deleteNamespacedPod({
          name: pod.name,
          namespace: pod.namespace,
          body: {
            preconditions: { uid: pod.uid },
            ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
          },
        }),
        30_000,
        signal,
      );
      return 'deleted';
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = statusOf(error)?.code;
      // 409: the uid precondition failed, so the pod we meant is already gone (a namesake replaced it).
      if (code === 404 || code === 409) return 'not-found';
      throw translateClusterError(error, this.cluster);
    }
  }
}
