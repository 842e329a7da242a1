import { z } from 'zod';
import type { Lock, LockAttempt, LockGuard, LockHolder, LockLease, LockScope } from '../../ports/lock.js';
import type { RedisClient } from '../../queue/connection.js';
import type { Keys } from '../../queue/keys.js';

const Held = z.object({ requestId: z.string(), operation: z.string(), token: z.number() });

/**
 * A node lock is granted unless the cluster lock or the node's lock is held by another request. The same
 * request may take it again (a resumed job): it gets a new fencing token, so the worker it replaced, if it
 * still lived, would find its lease gone.
 */
const ACQUIRE_NODE = `
local cluster = redis.call('GET', KEYS[2])
if cluster and cjson.decode(cluster).requestId ~= ARGV[1] then return {0, cluster, 'cluster'} end
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).requestId ~= ARGV[1] then return {0, current, 'node'} end
local token = redis.call('INCR', KEYS[4])
local value = cjson.encode({requestId = ARGV[1], operation = ARGV[2], token = token})
redis.call('SET', KEYS[1], value, 'PX', tonumber(ARGV[3]))
redis.call('SADD', KEYS[3], ARGV[4])
return {1, value, ''}`;

/** The cluster lock waits for no one: it is refused while any node of the cluster is locked by another request. */
const ACQUIRE_CLUSTER = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).requestId ~= ARGV[1] then return {0, current, 'cluster'} end
for _, node in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local held = redis.call('GET', ARGV[4] .. node)
  if held then
    if cjson.decode(held).requestId ~= ARGV[1] then return {0, held, 'node', node} end
  else
    redis.call('SREM', KEYS[2], node)
  end
end
local token = redis.call('INCR', KEYS[3])
local value = cjson.encode({requestId = ARGV[1], operation = ARGV[2], token = token})
redis.call('SET', KEYS[1], value, 'PX', tonumber(ARGV[3]))
return {1, value, ''}`;

/**
 * Renews a held lock. A lock that is gone (it expired while Redis was unreachable, or Redis restarted empty)
 * is taken back with the same fencing token when nobody else holds what it covers: the holder carries on
 * instead of failing a drain nobody contested (2). 0 when another holder has it, or when the holder's guard
 * no longer holds (its request was taken over by a later run: that run's lock is the one that counts, even
 * after it released it).
 * KEYS: the lock, the cluster lock (node locks), the cluster's locked nodes, the guard's hash (or the lock).
 * ARGV: token, ttl, the lock's value, the node ('' for the cluster lock), the node-lock key prefix, the
 * guard's field and value ('' for none).
 */
const RENEW = `
if ARGV[6] ~= '' then
  local claim = redis.call('HGET', KEYS[4], ARGV[6])
  if claim and claim ~= ARGV[7] then return 0 end
end
local held = redis.call('GET', KEYS[1])
if held then
  if cjson.decode(held).token == tonumber(ARGV[1]) then
    redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
    return 1
  end
  return 0
end
local mine = cjson.decode(ARGV[3]).requestId
if ARGV[4] ~= '' then
  local cluster = redis.call('GET', KEYS[2])
  if cluster and cjson.decode(cluster).requestId ~= mine then return 0 end
  redis.call('SADD', KEYS[3], ARGV[4])
else
  for _, node in ipairs(redis.call('SMEMBERS', KEYS[3])) do
    local other = redis.call('GET', ARGV[5] .. node)
    if other and cjson.decode(other).requestId ~= mine then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', tonumber(ARGV[2]))
return 2`;

const RELEASE = `
local held = redis.call('GET', KEYS[1])
if held and cjson.decode(held).token == tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Locks in Redis with a fencing token and a TTL the holder renews (src/ports/lock.ts). */
export class RedisLocks implements Lock {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async acquire(scope: LockScope, holder: LockHolder, ttlMs: number): Promise<LockAttempt> {
    const reply =
      scope.kind === 'node'
        ? await this.redis.eval(
            ACQUIRE_NODE,
            4,
            this.keys.nodeLock(scope.cluster, scope.node),
            this.keys.clusterLock(scope.cluster),
            this.keys.nodeLocksOf(scope.cluster),
            this.keys.lockFence(scope.cluster),
            holder.requestId,
            holder.operation,
            String(Math.round(ttlMs)),
            scope.node,
          )
        : await this.redis.eval(
            ACQUIRE_CLUSTER,
            3,
            this.keys.clusterLock(scope.cluster),
            this.keys.nodeLocksOf(scope.cluster),
            this.keys.lockFence(scope.cluster),
            holder.requestId,
            holder.operation,
            String(Math.round(ttlMs)),
            this.keys.nodeLock(scope.cluster, ''),
          );
    const [granted, value, what, node] = reply as [number, string, string, string | undefined];
    const held = Held.parse(JSON.parse(value));
    if (granted === 1) {
      const key =
        scope.kind === 'node'
          ? this.keys.nodeLock(scope.cluster, scope.node)
          : this.keys.clusterLock(scope.cluster);
      return { acquired: true, lease: this.lease(scope, key, value, held.token, ttlMs, holder.guard) };
    }
    const blocking: LockScope =
      what === 'cluster'
        ? { kind: 'cluster', cluster: scope.cluster }
        : { kind: 'node', cluster: scope.cluster, node: node ?? (scope.kind === 'node' ? scope.node : '') };
    return {
      acquired: false,
      heldBy: { requestId: held.requestId, operation: held.operation },
      scope: blocking,
    };
  }

  /** Who holds the lock of `scope` now, if anyone. */
  async holder(scope: LockScope): Promise<(LockHolder & { token: number }) | undefined> {
    const key =
      scope.kind === 'node'
        ? this.keys.nodeLock(scope.cluster, scope.node)
        : this.keys.clusterLock(scope.cluster);
    const value = await this.redis.get(key);
    return value ? Held.parse(JSON.parse(value)) : undefined;
  }

  private lease(
    scope: LockScope,
    key: string,
    value: string,
    token: number,
    ttlMs: number,
    guard: LockGuard | undefined,
  ): LockLease {
    const { redis, keys } = this;
    return {
      token,
      async renew(forMs = ttlMs) {
        const renewed = await redis.eval(
          RENEW,
          4,
          key,
          keys.clusterLock(scope.cluster),
          keys.nodeLocksOf(scope.cluster),
          guard?.key ?? key,
          String(token),
          String(Math.round(forMs)),
          value,
          scope.kind === 'node' ? scope.node : '',
          keys.nodeLock(scope.cluster, ''),
          guard?.field ?? '',
          guard?.value ?? '',
        );
        return renewed === 1 || renewed === 2;
      },
      async release() {
        await redis.eval(RELEASE, 1, key, String(token));
      },
    };
  }
}
