import { ErrorCode, type WebClient } from '@slack/web-api';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { defer } from '../../queue/defer.js';
import type { Keys } from '../../queue/keys.js';
import { OutboxPayload, OutboxProgress, type SlackMessage } from '../../queue/payloads.js';
import type { RequestStore } from '../../requests/request-store.js';
import { type ChannelRateLimiter, type RateSpec, SLACK_RATES } from './channel-rate-limit.js';
import { respondThroughUrl } from './response-url.js';

export interface OutboxSenderDeps {
  web: WebClient;
  requests: RequestStore;
  limiter: ChannelRateLimiter;
  keys: Keys;
  logger: Logger;
  /** How long to wait before looking again for a parent message or an earlier reply. */
  pollMs?: number;
  /** Where notices (messages of no request) remember their ts, so they can be rewritten. */
  notices?: NoticeLedger;
}

/** The Slack ts of each notice by its key (src/schedules/notice-ledger.ts). */
export interface NoticeLedger {
  ts(key: string): Promise<string | undefined>;
  remember(key: string, ts: string): Promise<void>;
  /** True when `version` is the newest rewrite of the notice so far (or the same one, retried); records it. */
  claimVersion(key: string, version: number): Promise<boolean>;
}

type Progress = { sendAt?: number; failures: number; waits: number };

const metadataFor = (requestId: string | undefined) =>
  requestId ? { event_type: 'bosun_request', event_payload: { request_id: requestId } } : undefined;

function withinLimits(message: SlackMessage): { text: string; blocks?: SlackMessage['blocks'] } {
  // Block Kit limits are enforced when messages are built (src/messages); this is the last line of defence.
  return { text: message.text.slice(0, 39_000), blocks: message.blocks?.slice(0, 50) };
}

/** Errors worth retrying (network, 5xx) vs errors that will never succeed (channel_not_found, invalid_blocks). */
function classify(
  error: unknown,
): { kind: 'ratelimited'; retryAfterS: number } | { kind: 'transient' } | { kind: 'permanent' } {
  const code = (error as { code?: string }).code;
  if (code === ErrorCode.RateLimitedError) {
    return { kind: 'ratelimited', retryAfterS: Number((error as { retryAfter?: number }).retryAfter ?? 1) };
  }
  if (code === ErrorCode.HTTPError) {
    const status = Number((error as { statusCode?: number }).statusCode ?? 0);
    if (status === 429) {
      const header = (error as { headers?: Record<string, string> }).headers?.['retry-after'];
      return { kind: 'ratelimited', retryAfterS: Number(header ?? 1) };
    }
    return status >= 500 || status === 408 ? { kind: 'transient' } : { kind: 'permanent' };
  }
  if (code === ErrorCode.RequestError) return { kind: 'transient' };
  if (code === ErrorCode.PlatformError) {
    const slackError = (error as { data?: { error?: string } }).data?.error;
    const transient = [
      'internal_error',
      'fatal_error',
      'service_unavailable',
      'request_timeout',
      'ratelimited',
    ];
    return transient.includes(slackError ?? '') ? { kind: 'transient' } : { kind: 'permanent' };
  }
  return { kind: 'transient' };
}

/**
 * Delivers outbox jobs to Slack. Per channel, new messages are paced by a shared token bucket (bursts, then about
 * one per second); a thread's replies go strictly in order after its parent; card updates coalesce to the latest
 * state; 429 Retry-After is honoured and 5xx retried with backoff, without ever dropping a message.
 */
export function createOutboxProcessor(deps: OutboxSenderDeps) {
  const pollMs = deps.pollMs ?? 100;
  // Slack's pacing, the same in production and under test.
  const rates = SLACK_RATES;

  return async function processOutboxJob(job: Job, token?: string): Promise<unknown> {
    const parsed = OutboxPayload.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`outbox payload does not decode: ${parsed.error.message}`);
    const payload = parsed.data;
    const progress: Progress = OutboxProgress.parse(job.data.progress ?? {});
    const log = deps.logger.child({
      requestId: payload.requestId,
      channel: payload.channel,
      kind: payload.kind,
    });

    const saveProgress = async (next: Progress) => {
      await job.updateData({ ...job.data, progress: next });
    };

    /** Waits for a paced slot (booked once, kept across delays). Returns a DelayedError to throw, if any. */
    const awaitSlot = async (bucket: string, spec: RateSpec) => {
      const now = Date.now();
      if (progress.sendAt === undefined) {
        const wait = await deps.limiter.reserve(deps.keys.rate(bucket, payload.channel), spec, now);
        progress.sendAt = now + wait;
        if (wait > 0) await saveProgress(progress);
        if (payload.kind === 'parent' || payload.kind === 'reply') {
          await deps.requests.bookThread(payload.requestId, progress.sendAt);
        }
      }
      if (progress.sendAt > Date.now() + 5) return await defer(job, token, progress.sendAt - Date.now());
      return undefined;
    };

    const onFailure = async (error: unknown, bucket: string) => {
      const verdict = classify(error);
      if (verdict.kind === 'permanent') {
        log.error({ err: error }, 'slack refused the message; not retrying');
        throw new UnrecoverableError(`slack refused: ${(error as Error).message}`);
      }
      progress.sendAt = undefined;
      if (verdict.kind === 'ratelimited') {
        const until = Date.now() + verdict.retryAfterS * 1000;
        await deps.limiter.blockUntil(deps.keys.rate(bucket, payload.channel), until);
        await saveProgress(progress);
        log.warn({ retryAfterS: verdict.retryAfterS }, 'slack rate-limited the channel; waiting as told');
        return await defer(job, token, verdict.retryAfterS * 1000);
      }
      progress.failures += 1;
      await saveProgress(progress);
      const backoff = Math.min(30_000, 500 * 2 ** Math.min(progress.failures - 1, 6));
      log.warn(
        { err: error, failures: progress.failures, backoffMs: backoff },
        'slack call failed; retrying',
      );
      return await defer(job, token, backoff);
    };

    /**
     * A reply whose turn has not come (its parent or the reply before it is not delivered yet), or a card update
     * whose parent is not posted, sleeps until the thread's last booked slot, or backs off when nothing is
     * booked, instead of polling: under load thousands of them may wait behind their parents.
     */
    const awaitTurn = async (requestId: string) => {
      const bookedAt = await deps.requests.threadBookedAt(requestId);
      const backoff = Math.min(2000, pollMs * 2 ** Math.min(progress.waits, 5));
      progress.waits += 1;
      await saveProgress(progress);
      const untilBooked = bookedAt - Date.now() + 20;
      return await defer(job, token, untilBooked > pollMs ? untilBooked : backoff);
    };

    /** Deletes a withdrawn request's card; one already gone is fine. */
    const takeDown = async (ts: string) => {
      try {
        await deps.web.chat.delete({ channel: payload.channel, ts });
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'message_not_found') return;
        throw await onFailure(error, 'update');
      }
    };

    switch (payload.kind) {
      case 'parent': {
        const slot = await awaitSlot('post', rates.post);
        if (slot) throw slot;
        const state = await deps.requests.cardState(payload.requestId);
        if (state.withdrawn) return { withdrawn: true };
        if (state.parentTs) return { ts: state.parentTs };
        if (!state.card) throw new UnrecoverableError('request has no card to post');
        try {
          const result = await deps.web.chat.postMessage({
            channel: payload.channel,
            ...withinLimits(state.card),
            metadata: metadataFor(payload.requestId),
            unfurl_links: false,
          });
          const ts = String(result.ts);
          await deps.requests.setParent(payload.requestId, ts, state.version);
          // Withdrawn while it was being posted (the withdraw found no parent yet): take it down here.
          if (await deps.requests.withdrawn(payload.requestId)) await takeDown(ts);
          return { ts };
        } catch (error) {
          throw await onFailure(error, 'post');
        }
      }
      case 'withdraw': {
        // Marked withdrawn before this job was enqueued: a parent not yet posted never will be.
        const parentTs = await deps.requests.parentTs(payload.requestId);
        if (parentTs) await takeDown(parentTs);
        return { withdrawn: true };
      }
      case 'reply': {
        if (await deps.requests.withdrawn(payload.requestId)) return { withdrawn: true };
        const parentTs = await deps.requests.parentTs(payload.requestId);
        if (!parentTs) throw await awaitTurn(payload.requestId);
        const done = await deps.requests.threadDone(payload.requestId);
        if (done >= payload.seq) return { duplicate: true };
        if (done < payload.seq - 1) throw await awaitTurn(payload.requestId);
        const slot = await awaitSlot('post', rates.post);
        if (slot) throw slot;
        const postReply = async () => {
          const result = await deps.web.chat.postMessage({
            channel: payload.channel,
            thread_ts: parentTs,
            ...withinLimits(payload.message),
            metadata: metadataFor(payload.requestId),
            unfurl_links: false,
          });
          return String(result.ts);
        };
        try {
          let ts: string | undefined;
          if (payload.attachment) {
            // A file's message shows only its text (files.uploadV2's initial_comment), so a reply with blocks
            // (a drain summary's headlines) is posted as a message of its own first, then the file under the
            // attachment's title; the posted message is remembered, so a retry does not post it twice.
            const blocks = (payload.message.blocks?.length ?? 0) > 0;
            if (blocks) {
              ts = await deps.requests.replyTs(payload.requestId, payload.seq);
              if (!ts) {
                ts = await postReply();
                await deps.requests.setReplyTs(payload.requestId, payload.seq, ts);
              }
            }
            await deps.web.filesUploadV2({
              channel_id: payload.channel,
              thread_ts: parentTs,
              initial_comment: blocks ? payload.attachment.title : payload.message.text,
              filename: payload.attachment.filename,
              title: payload.attachment.title,
              content: payload.attachment.content,
            });
          } else {
            ts = await postReply();
          }
          if (payload.keep && ts) await deps.requests.setReplyTs(payload.requestId, payload.seq, ts);
          await deps.requests.markReplyDone(payload.requestId, payload.seq);
          return { ts };
        } catch (error) {
          throw await onFailure(error, 'post');
        }
      }
      case 'reply-edit': {
        if (await deps.requests.withdrawn(payload.requestId)) return { withdrawn: true };
        // The reply goes first; until it is delivered there is nothing to rewrite.
        if ((await deps.requests.threadDone(payload.requestId)) < payload.seq)
          throw await awaitTurn(payload.requestId);
        const ts = await deps.requests.replyTs(payload.requestId, payload.seq);
        if (!ts) return { unknown: true };
        const slot = await awaitSlot('update', rates.update);
        if (slot) throw slot;
        try {
          await deps.web.chat.update({
            channel: payload.channel,
            ts,
            ...withinLimits(payload.message),
            metadata: metadataFor(payload.requestId),
          });
          return { ts };
        } catch (error) {
          throw await onFailure(error, 'update');
        }
      }
      case 'card': {
        const state = await deps.requests.cardState(payload.requestId);
        if (state.withdrawn) return { withdrawn: true };
        if (!state.parentTs) {
          // The parent post will carry the latest card; nothing to update until it exists.
          if (state.sent >= state.version) return { coalesced: true };
          // Sleep until the parent's booked slot (it posts the card's latest state), not a poll: under load
          // thousands of cards may wait behind their parents' pacing.
          throw await awaitTurn(payload.requestId);
        }
        if (state.sent >= state.version || !state.card) return { coalesced: true };
        const owner = `${job.id ?? 'job'}:${token ?? ''}`;
        if (!(await deps.requests.lockCard(payload.requestId, owner))) throw await defer(job, token, pollMs);
        try {
          const slot = await awaitSlot('update', rates.update);
          if (slot) throw slot;
          const latest = await deps.requests.cardState(payload.requestId);
          if (latest.sent >= latest.version || !latest.card) return { coalesced: true };
          try {
            await deps.web.chat.update({
              channel: payload.channel,
              ts: state.parentTs,
              ...withinLimits(latest.card),
              metadata: metadataFor(payload.requestId),
            });
            await deps.requests.markCardSent(payload.requestId, latest.version);
            return { version: latest.version };
          } catch (error) {
            throw await onFailure(error, 'update');
          }
        } finally {
          await deps.requests.unlockCard(payload.requestId, owner);
        }
      }
      case 'ephemeral': {
        const slot = await awaitSlot('ephemeral', rates.ephemeral);
        if (slot) throw slot;
        if (payload.responseUrl) {
          try {
            await respondThroughUrl(payload.responseUrl, payload.message);
            return { via: 'response_url' };
          } catch (error) {
            // Spent or expired (30 minutes, five uses): the same words by postEphemeral.
            log.info({ err: error }, 'response_url refused the answer; posting it as an ephemeral');
          }
        }
        const threadTs =
          payload.inThread && payload.requestId ? await deps.requests.parentTs(payload.requestId) : undefined;
        try {
          await deps.web.chat.postEphemeral({
            channel: payload.channel,
            user: payload.user,
            ...withinLimits(payload.message),
            thread_ts: threadTs,
          });
          return {};
        } catch (error) {
          throw await onFailure(error, 'ephemeral');
        }
      }
      case 'notice': {
        if (!deps.notices) throw new UnrecoverableError('this sender keeps no notices');
        if (await deps.notices.ts(payload.key)) return { duplicate: true };
        const slot = await awaitSlot('post', rates.post);
        if (slot) throw slot;
        try {
          const result = await deps.web.chat.postMessage({
            channel: payload.channel,
            ...withinLimits(payload.message),
            unfurl_links: false,
          });
          const ts = String(result.ts);
          await deps.notices.remember(payload.key, ts);
          return { ts };
        } catch (error) {
          throw await onFailure(error, 'post');
        }
      }
      case 'notice-edit': {
        if (!deps.notices) throw new UnrecoverableError('this sender keeps no notices');
        const ts = await deps.notices.ts(payload.key);
        if (!ts) {
          // The notice is not posted yet (it waits for its slot); look again shortly, for a while.
          progress.waits += 1;
          await saveProgress(progress);
          if (progress.waits > 60) return { unknown: true };
          throw await defer(job, token, Math.min(2000, pollMs * 2 ** Math.min(progress.waits, 4)));
        }
        const slot = await awaitSlot('update', rates.update);
        if (slot) throw slot;
        // Rewrites wait for the notice and for their slot; one overtaken by a newer rewrite says nothing.
        if (!(await deps.notices.claimVersion(payload.key, payload.version))) return { superseded: true };
        try {
          await deps.web.chat.update({ channel: payload.channel, ts, ...withinLimits(payload.message) });
          return { ts };
        } catch (error) {
          throw await onFailure(error, 'update');
        }
      }
      case 'direct-file': {
        const slot = await awaitSlot('ephemeral', rates.ephemeral);
        if (slot) throw slot;
        try {
          // The direct message with the person (needs im:write); an upload takes only a channel id.
          const opened = await deps.web.conversations.open({ users: payload.user });
          const channel = opened.channel?.id;
          if (channel === undefined) throw new Error('conversations.open returned no channel');
          await deps.web.filesUploadV2({
            channel_id: channel,
            filename: payload.file.filename,
            title: payload.file.title,
            content: payload.file.content,
            initial_comment: payload.comment,
          });
          return {};
        } catch (error) {
          if (classify(error).kind === 'permanent') {
            log.warn({ err: error, user: payload.user }, 'slack refused the file; telling its reader');
            await deps.web.chat
              .postEphemeral({
                channel: payload.channel,
                user: payload.user,
                ...withinLimits(payload.failed),
              })
              .catch((err: unknown) => log.warn({ err }, 'could not say so either'));
          }
          throw await onFailure(error, 'ephemeral');
        }
      }
    }
  };
}
