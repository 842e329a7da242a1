import { createHash } from 'node:crypto';
import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { BosunError } from '../../ops/errors.js';
import type { Lock, LockAttempt, LockHolder, LockLease, LockScope } from '../../ports/lock.js';
import type { Clock } from '../../shared/clock.js';
import { isRetryable } from './api-faults.js';
import { statusOf, translateClusterError } from './cluster-errors.js';
import { withTimeout } from './with-timeout.js';

/** Labels and annotations on bosun's Leases, so `kubectl get leases -l app.kubernetes.io/managed-by=bosun` finds them. */
export const LEASE_LABELS = { 'app.kubernetes.io/managed-by': 'bosun' } as const;
export const LEASE_ANNOTATIONS = {
  request: 'bosun.dev/request',
  operation: 'bosun.dev/operation',
  node: 'bosun.dev/node',
} as const;

export interface LeaseLockOptions {
  /** The Coordination API of a configured cluster. */
  api: (cluster: string) => CoordinationV1Api;
  /** Where the Leases live (`leases.namespace`). */
  namespace: string;
  /** This installation, in each holder identity: `<installation>/<request id>`. */
  installation: string;
  clock: Clock;
  logger: Logger;
  /** Upper bound of one API call; a renewal that takes longer leaves the Lease as it was this round. */
  callTimeoutMs?: number;
}

/** A Lease's name for a lock: `bosun-node-<node>` (hashed when too long), or `bosun-cluster`. */
export function leaseName(scope: LockScope): string {
  if (scope.kind === 'cluster') return 'bosun-cluster';
  const name = `bosun-node-${scope.node}`;
  if (name.length <= 253) return name;
  const digest = createHash('sha256').update(scope.node).digest('hex').slice(0, 16);
  return `${name.slice(0, 253 - 17).replace(/[.-]+$/, '')}-${digest}`;
}

const microTime = (ms: number) => new V1MicroTime(ms);

/** When a Lease stops counting: its last renewal plus its duration (a Lease without a holder never counts). */
function heldUntil(lease: V1Lease): number {
  const spec = lease.spec;
  if (!spec?.holderIdentity) return 0;
  const renewed = Date.parse(String(spec.renewTime ?? spec.acquireTime ?? ''));
  if (Number.isNaN(renewed)) return 0;
  return renewed + (spec.leaseDurationSeconds ?? 0) * 1000;
}

/** Tries a call again on the answers the fault table calls passing (api-faults.ts), three times at most. */
async function retried<T>(call: () => Promise<T>, clock: Clock): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = statusOf(error);
      if (attempt >= 3 || !isRetryable({ code: status?.code, message: status?.message })) throw error;
      const backoff = 200 * 2 ** attempt;
      await clock.sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }
}

/**
 * The locks, seen by the cluster too: each lock bosun holds (in Redis, `inner`) is mirrored by a
 * `coordination.k8s.io/v1` Lease in `namespace` of the cluster, `bosun-node-<node>` or `bosun-cluster`, whose
 * holder is `<installation>/<request id>`, renewed with the lock and deleted when it is released. So
 * `kubectl get leases -n kube-system` shows who works on a node, and a second installation (or any tool that
 * honours the Lease) does not fight the first: a Lease another holder renewed within its duration refuses the
 * lock, as a busy node does; a node Lease also yields to another holder's cluster Lease, and the cluster Lease
 * to other holders' node Leases. An expired Lease is taken over (its transitions counted), as client-go's
 * leader election does. Redis stays the lock that decides between bosun's own workers; the Lease is how it
 * tells the cluster.
 */
export class KubeLeaseLocks implements Lock {
  private readonly callTimeoutMs: number;

  constructor(
    private readonly inner: Lock,
    private readonly options: LeaseLockOptions,
  ) {
    this.callTimeoutMs = options.callTimeoutMs ?? 5000;
  }

  async acquire(scope: LockScope, holder: LockHolder, ttlMs: number): Promise<LockAttempt> {
    const attempt = await this.inner.acquire(scope, holder, ttlMs);
    if (!attempt.acquired) return attempt;
    try {
      const claimed = await this.claim(scope, holder, ttlMs);
      if (!claimed.ok) {
        await attempt.lease.release();
        return { acquired: false, heldBy: claimed.heldBy, scope: claimed.scope };
      }
      return { acquired: true, lease: this.mirrored(scope, holder, attempt.lease, claimed.lease, ttlMs) };
    } catch (error) {
      await attempt.lease.release();
      throw this.explain(error, scope);
    }
  }

  private identity(holder: LockHolder): string {
    return `${this.options.installation}/${holder.requestId}`;
  }

  private async read(cluster: string, name: string): Promise<V1Lease | undefined> {
    const { api, namespace, clock } = this.options;
    try {
      return await retried(
        () => withTimeout(api(cluster).readNamespacedLease({ name, namespace }), this.callTimeoutMs),
        clock,
      );
    } catch (error) {
      if (statusOf(error)?.code === 404) return undefined;
      throw error;
    }
  }

  /** Another holder's Lease that still counts, as the holder a refusal names. */
  private foreign(lease: V1Lease | undefined, identity: string, lockScope: LockScope) {
    if (!lease?.spec?.holderIdentity || lease.spec.holderIdentity === identity) return undefined;
    const until = heldUntil(lease);
    if (until <= this.options.clock.now()) return undefined;
    const annotations = lease.metadata?.annotations ?? {};
    const heldBy: LockHolder = {
      requestId: annotations[LEASE_ANNOTATIONS.request] ?? '',
      operation: annotations[LEASE_ANNOTATIONS.operation] ?? 'unknown',
      elsewhere: {
        lease: `${this.options.namespace}/${lease.metadata?.name ?? ''}`,
        holder: lease.spec.holderIdentity,
        until,
      },
    };
    return { ok: false as const, heldBy, scope: lockScope };
  }

  private async claim(
    scope: LockScope,
    holder: LockHolder,
    ttlMs: number,
  ): Promise<{ ok: true; lease: V1Lease } | { ok: false; heldBy: LockHolder; scope: LockScope }> {
    const { api, namespace, clock } = this.options;
    const identity = this.identity(holder);
    const client = api(scope.cluster);
    if (scope.kind === 'node') {
      const cluster = await this.read(scope.cluster, leaseName({ kind: 'cluster', cluster: scope.cluster }));
      const blocked = this.foreign(cluster, identity, { kind: 'cluster', cluster: scope.cluster });
      if (blocked) return blocked;
    } else {
      const all = await retried(
        () =>
          withTimeout(
            client.listNamespacedLease({
              namespace,
              labelSelector: 'app.kubernetes.io/managed-by=bosun',
            }),
            this.callTimeoutMs,
          ),
        clock,
      );
      for (const lease of all.items) {
        const node = lease.metadata?.annotations?.[LEASE_ANNOTATIONS.node];
        if (!node) continue;
        const blocked = this.foreign(lease, identity, { kind: 'node', cluster: scope.cluster, node });
        if (blocked) return blocked;
      }
    }
    const name = leaseName(scope);
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.read(scope.cluster, name);
      const blocked = this.foreign(current, identity, scope);
      if (blocked) return blocked;
      const now = clock.now();
      const ours = current?.spec?.holderIdentity === identity;
      const body: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          namespace,
          labels: { ...LEASE_LABELS },
          annotations: {
            [LEASE_ANNOTATIONS.request]: holder.requestId,
            [LEASE_ANNOTATIONS.operation]: holder.operation,
            ...(scope.kind === 'node' ? { [LEASE_ANNOTATIONS.node]: scope.node } : {}),
          },
          ...(current?.metadata?.resourceVersion
            ? { resourceVersion: current.metadata.resourceVersion }
            : {}),
        },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
          acquireTime: ours && current?.spec?.acquireTime ? current.spec.acquireTime : microTime(now),
          renewTime: microTime(now),
          leaseTransitions:
            (current?.spec?.leaseTransitions ?? 0) + (current?.spec?.holderIdentity && !ours ? 1 : 0),
        },
      };
      try {
        const written = current
          ? await withTimeout(client.replaceNamespacedLease({ name, namespace, body }), this.callTimeoutMs)
          : await withTimeout(client.createNamespacedLease({ namespace, body }), this.callTimeoutMs);
        return { ok: true, lease: written };
      } catch (error) {
        const code = statusOf(error)?.code;
        // Someone else wrote it between our read and write (409): read it again and decide anew.
        if (code === 409 || (code !== undefined && code !== 404 && isRetryable({ code }))) continue;
        throw error;
      }
    }
    throw new BosunError(
      'LEASE_CONTENDED',
      `The Lease \`${namespace}/${name}\` on \`${scope.cluster}\` kept changing while bosun tried to take it.`,
      'Another tool may be writing it; try again in a moment.',
    );
  }

  /** A Redis lock whose renewals and release carry the Lease along. */
  private mirrored(
    scope: LockScope,
    holder: LockHolder,
    inner: LockLease,
    first: V1Lease,
    ttlMs: number,
  ): LockLease {
    const { api, namespace, clock, logger } = this.options;
    const client = api(scope.cluster);
    const identity = this.identity(holder);
    const name = leaseName(scope);
    let lease = first;
    const log = logger.child({
      lease: `${namespace}/${name}`,
      cluster: scope.cluster,
      requestId: holder.requestId,
    });
    /** Renews the Lease; false only when another holder has it now. API trouble leaves it for the next round. */
    const renewLease = async (forMs: number): Promise<boolean> => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const body: V1Lease = {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: identity,
            leaseDurationSeconds: Math.max(1, Math.ceil(forMs / 1000)),
            renewTime: microTime(clock.now()),
          },
        };
        try {
          lease = await withTimeout(
            client.replaceNamespacedLease({ name, namespace, body }),
            this.callTimeoutMs,
          );
          return true;
        } catch (error) {
          const code = statusOf(error)?.code;
          if (code !== 409 && code !== 404) {
            log.warn(
              { err: error },
              'could not renew the Lease; the lock holds in Redis, trying again next round',
            );
            return true;
          }
          const current = await this.read(scope.cluster, name).catch(() => undefined);
          if (!current) {
            // Deleted by someone: write it again as ours, unless another holder took the name meanwhile.
            const claimed = await this.claim(scope, holder, forMs).catch(() => undefined);
            if (claimed && !claimed.ok) return false;
            if (claimed?.ok) lease = claimed.lease;
            return true;
          }
          if (current.spec?.holderIdentity !== identity) {
            log.warn({ holder: current.spec?.holderIdentity }, 'the Lease has another holder now');
            return false;
          }
          lease = current;
        }
      }
      return true;
    };
    return {
      token: inner.token,
      async renew(forMs = ttlMs) {
        if (!(await inner.renew(forMs))) return false;
        return await renewLease(forMs);
      },
      release: async () => {
        await inner.release();
        try {
          await withTimeout(
            client.deleteNamespacedLease({
              name,
              namespace,
              body: { preconditions: { resourceVersion: lease.metadata?.resourceVersion } },
            }),
            this.callTimeoutMs,
          );
        } catch (error) {
          const code = statusOf(error)?.code;
          // 404: gone already; 409: changed since (taken over after it expired): not ours to delete.
          if (code !== 404 && code !== 409) {
            log.warn({ err: error }, 'could not delete the Lease; it expires by itself');
          }
        }
      },
    };
  }

  private explain(error: unknown, scope: LockScope): Error {
    if (error instanceof BosunError) return error;
    const status = statusOf(error);
    const { namespace } = this.options;
    if (status?.code === 403) {
      return new BosunError(
        'LEASE_FORBIDDEN',
        `bosun may not write Leases in \`${namespace}\` on \`${scope.cluster}\`: ${status.message ?? 'forbidden'}.`,
        'Grant it get, list, create, update and delete on leases.coordination.k8s.io there (deploy/rbac.yaml), or set `leases.enabled: false`.',
      );
    }
    if (status?.code === 404) {
      return new BosunError(
        'LEASE_NAMESPACE_MISSING',
        `The namespace \`${namespace}\` for bosun's Leases does not exist on \`${scope.cluster}\`.`,
        'Create it, or point `leases.namespace` at one that exists.',
      );
    }
    // Passing trouble (5xx, no answer) becomes a TransientError the job retries; the rest is said as it is.
    return translateClusterError(error, scope.cluster);
  }
}
