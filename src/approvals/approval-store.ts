import type { Principals } from '../config/policy-schema.js';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';
import type { OpsPayload } from '../queue/payloads.js';
import { ApprovalRecord, type ApprovalRef } from './approval-record.js';

export interface NewApproval extends ApprovalRef {
  channel: string;
  requester: string;
  cluster: string;
  text: string;
  summary: string;
  needed: number;
  selfApproval: boolean;
  approvers: Principals | undefined;
  createdAt: number;
  expiresAt: number;
  payload?: OpsPayload;
}

export type DecisionResult =
  | { outcome: 'missing' }
  /** This approval counted; more are needed. */
  | { outcome: 'counted'; record: ApprovalRecord }
  /** This approval completed the quorum: the caller (and only it) starts or resumes the job. */
  | { outcome: 'approved'; record: ApprovalRecord }
  /** This decision rejected it. */
  | { outcome: 'rejected'; record: ApprovalRecord }
  /** This person had already approved; nothing changed. */
  | { outcome: 'duplicate'; record: ApprovalRecord }
  /** This click found it past its expiry and closed it: the caller reports the expiry. */
  | { outcome: 'expired-now'; record: ApprovalRecord }
  /** It was already decided, expired or cancelled; nothing changed. */
  | { outcome: 'closed'; record: ApprovalRecord };

/** Opens an approval once: a second open (a redelivered command, a resumed job) changes nothing. */
const OPEN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/**
 * One decision, atomically: only a pending, unexpired approval changes; a person's approval counts once; the
 * click that completes the quorum is the only one told `approved`, so exactly one caller enqueues the job.
 * ARGV: user, approve|reject, now (ms), reason.
 */
const DECIDE = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'pending' then return 'closed' end
local now = tonumber(ARGV[3])
if now >= tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then
  redis.call('HSET', KEYS[1], 'state', 'expired', 'decidedAt', ARGV[3])
  return 'expired-now'
end
if ARGV[2] == 'reject' then
  redis.call('HSET', KEYS[1], 'state', 'rejected', 'decidedBy', ARGV[1], 'decidedAt', ARGV[3], 'reason', ARGV[4])
  return 'rejected'
end
local votes = cjson.decode(redis.call('HGET', KEYS[1], 'votes') or '[]')
for _, vote in ipairs(votes) do
  if vote.user == ARGV[1] then return 'duplicate' end
end
table.insert(votes, { user = ARGV[1], at = now })
redis.call('HSET', KEYS[1], 'votes', cjson.encode(votes))
if #votes >= tonumber(redis.call('HGET', KEYS[1], 'needed')) then
  redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedBy', ARGV[1], 'decidedAt', ARGV[3])
  return 'approved'
end
return 'counted'`;

/** Closes a pending approval: `expired` only once its time has come; `cancelled` at any time. */
const CLOSE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
if ARGV[1] == 'expired' and tonumber(ARGV[2]) < tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then
  return 0
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'decidedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'decidedBy', ARGV[3]) end
return 1`;

/** Approvals in Redis. Every change is one Lua script, so concurrent clicks on any bot process agree. */
export class ApprovalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** Kept this long after expiry, for the thread and late clicks. */
    private readonly keepMs = 14 * 86400_000,
  ) {}

  async open(approval: NewApproval): Promise<boolean> {
    const fields: Record<string, string> = {
      requestId: approval.requestId,
      phase: approval.phase,
      channel: approval.channel,
      requester: approval.requester,
      cluster: approval.cluster,
      text: approval.text,
      summary: approval.summary,
      needed: String(approval.needed),
      selfApproval: approval.selfApproval ? '1' : '0',
      approvers: approval.approvers ? JSON.stringify(approval.approvers) : '',
      createdAt: String(approval.createdAt),
      expiresAt: String(approval.expiresAt),
      state: 'pending',
      votes: '[]',
    };
    if (approval.payload) fields.payload = JSON.stringify(approval.payload);
    const ttl = Math.max(1, approval.expiresAt - approval.createdAt) + this.keepMs;
    const opened = await this.redis.eval(
      OPEN,
      1,
      this.keys.approval(approval.requestId, approval.phase),
      String(ttl),
      ...Object.entries(fields).flat(),
    );
    return opened === 1;
  }

  async get(ref: ApprovalRef): Promise<ApprovalRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.approval(ref.requestId, ref.phase));
    if (!hash.state) return undefined;
    const parsed = ApprovalRecord.safeParse(hash);
    if (!parsed.success) {
      throw new Error(`approval ${ref.requestId}/${ref.phase} is unreadable: ${parsed.error.message}`);
    }
    return parsed.data;
  }

  async decide(
    ref: ApprovalRef,
    user: string,
    decision: 'approve' | 'reject',
    now: number,
    reason = '',
  ): Promise<DecisionResult> {
    const outcome = String(
      await this.redis.eval(
        DECIDE,
        1,
        this.keys.approval(ref.requestId, ref.phase),
        user,
        decision,
        String(now),
        reason,
      ),
    );
    if (outcome === 'missing') return { outcome };
    const record = await this.get(ref);
    if (!record) return { outcome: 'missing' };
    switch (outcome) {
      case 'counted':
      case 'approved':
      case 'rejected':
      case 'duplicate':
      case 'expired-now':
        return { outcome, record };
      default:
        return { outcome: 'closed', record };
    }
  }

  /** Records what approving will do, shown on the card. */
  async setPreview(ref: ApprovalRef, sections: string[]): Promise<void> {
    await this.redis.hset(this.keys.approval(ref.requestId, ref.phase), 'preview', JSON.stringify(sections));
  }

  /**
   * True when this call closed it (so the caller reports it); false when it was not pending or not due. `by`:
   * who cancelled it, kept for the card.
   */
  async close(ref: ApprovalRef, state: 'expired' | 'cancelled', now: number, by?: string): Promise<boolean> {
    const closed = await this.redis.eval(
      CLOSE,
      1,
      this.keys.approval(ref.requestId, ref.phase),
      state,
      String(now),
      by ?? '',
    );
    return closed === 1;
  }
}
