import { kubeDrainPorts } from '../src/adapters/k8s/drain-adapters.js';
import { messagePermalink } from '../src/adapters/slack/message-permalink.js';
import { createWebClient } from '../src/adapters/slack/web-client.js';
import { lockRefusalText } from '../src/messages/drain-lock-refusal.js';
import { keepLeases, lockNodes } from '../src/ops/cordon/node-locks.js';
import { LockLost } from '../src/ops/drain/drain-stop.js';
import { BosunError, CancelledError, ParkedError } from '../src/ops/errors.js';
import type { Checkpoint } from '../src/ports/checkpoint.js';
import type { LockLease } from '../src/ports/lock.js';
import type { OperatorDecisions } from '../src/ports/operator-decisions.js';
import { Keys } from '../src/queue/keys.js';
import { RedisLocks } from '../src/queue/locks.js';
import { RequestDecisions } from '../src/queue/request-decisions.js';
import type { JobContext } from './request-job.js';

/** What a node operation's job holds while it runs: the cluster's ports, its node locks and its inbox. */
export interface NodeOperation {
  cluster: string;
  ports: ReturnType<typeof kubeDrainPorts>;
  decisions: OperatorDecisions;
  /** Aborted on cancel or shutdown (from the job) and when a node lock is lost. */
  signal: AbortSignal;
}

/**
 * Runs a node operation (drain, cordon, maintain) with its node locks held and renewed (on the worker's shared
 * Redis connection). A node locked by another request is refused with a link to that request's card. The
 * locks are released at the end, except when the worker shuts down: then the request keeps them, and the
 * worker that resumes it takes them over.
 */
export async function withNodeOperation<T>(
  ctx: JobContext,
  nodes: readonly string[],
  work: (operation: NodeOperation) => Promise<T>,
): Promise<T> {
  const { deps, payload } = ctx;
  const cluster = payload.request.cluster ?? '';
  const { redis } = deps;
  const keys = new Keys(deps.config.redis.prefix);
  let leases: LockLease[] = [];
  let keepRelease = false;
  try {
    const ttl = deps.config.drain.lockTtlMs;
    const locked = await lockNodes(
      new RedisLocks(redis, keys),
      cluster,
      nodes,
      { requestId: payload.request.id, operation: payload.command.name },
      ttl,
    );
    if (!locked.acquired) {
      const holder = await deps.requests.get(locked.heldBy.requestId);
      const permalink =
        holder?.parentTs && deps.config.slack.botToken
          ? await messagePermalink(
              createWebClient(deps.config.slack.botToken, deps.logger, deps.config.slack.apiUrl),
              holder.channel,
              holder.parentTs,
            )
          : undefined;
      throw new BosunError('NODE_BUSY', lockRefusalText(locked.heldBy, locked.scope, permalink));
    }
    leases = locked.leases;
    const stop = new AbortController();
    const forward = () => stop.abort(ctx.signal.reason);
    if (ctx.signal.aborted) forward();
    else ctx.signal.addEventListener('abort', forward, { once: true });
    const renewing = new AbortController();
    const renewals = keepLeases(leases, deps.clock, Math.max(500, Math.floor(ttl / 3)), renewing.signal, () =>
      stop.abort(new LockLost(nodes.join(', '))),
    );
    try {
      return await work({
        cluster,
        ports: kubeDrainPorts(deps.clusters.kubeConfig(cluster), cluster, deps.clock),
        decisions: new RequestDecisions(redis, keys).inbox(payload.request.id),
        signal: stop.signal,
      });
    } catch (error) {
      if (error instanceof LockLost) {
        throw new BosunError(
          'LOCK_LOST',
          `bosun lost its lock on ${error.what} (the worker was unreachable too long) and stopped, to stay out of the way of whoever holds it now.`,
        );
      }
      if (error instanceof ParkedError) {
        // Nobody renews the locks while the job waits: make them last until it runs again (plus one TTL).
        const forMs = Math.max(ttlOf(deps), error.until - deps.clock.now() + ttlOf(deps));
        await Promise.all(leases.map((lease) => lease.renew(forMs)));
        keepRelease = true;
        throw error;
      }
      keepRelease = ctx.signal.aborted && ctx.signal.reason === error && !(error instanceof CancelledError);
      throw error;
    } finally {
      renewing.abort();
      await renewals;
      ctx.signal.removeEventListener('abort', forward);
    }
  } finally {
    if (!keepRelease) await Promise.allSettled(leases.map((lease) => lease.release()));
  }
}

const ttlOf = (deps: JobContext['deps']) => deps.config.drain.lockTtlMs;

/** Records an operation's state in its job's data, next to the payload, for the worker that may resume it. */
export function jobCheckpoint<T>(ctx: JobContext, key: string): Checkpoint<T> {
  return {
    save: async (state) => {
      await ctx.job.updateData({ ...ctx.job.data, [key]: state });
    },
  };
}

/**
 * Card updates at most every `everyMs`: the latest detail wins, and the last one is always shown. Slack's
 * chat.update limits and people's eyes both prefer a calm card.
 */
export function calmProgress(ctx: JobContext, everyMs = 3000) {
  let latest: string | undefined;
  let shownAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const show = async () => {
    timer = undefined;
    if (latest === undefined) return;
    const detail = latest;
    latest = undefined;
    shownAt = ctx.deps.clock.now();
    try {
      await ctx.progress(detail);
    } catch (error) {
      ctx.log.warn({ err: error }, 'progress not shown');
    }
  };
  return {
    update(detail: string) {
      latest = detail;
      if (timer) return;
      const wait = Math.max(0, shownAt + everyMs - ctx.deps.clock.now());
      timer = setTimeout(() => void show(), wait);
    },
    /** Drops a pending update (the final card follows). */
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      latest = undefined;
    },
  };
}
