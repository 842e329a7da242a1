import { withApprovalServices } from '../src/approvals/approval-services.js';
import { refusalDetail } from '../src/audit/refusal-detail.js';
import type { AuditCommand } from '../src/commands/grammar.js';
import { requestRefusal } from '../src/messages/approval-denial.js';
import {
  AUDIT_LINES_SHOWN,
  auditFileComment,
  auditFileFailed,
  auditListing,
} from '../src/messages/audit-listing.js';
import { auditTable } from '../src/messages/audit-table.js';
import { notice } from '../src/messages/notice.js';
import { authorizeRequest } from '../src/policy/authorize-request.js';
import { clustersForChannel } from '../src/policy/cluster-access.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

type Audit = ReturnType<typeof AuditCommand.parse>;

/**
 * `/bosun audit [--cluster C] [--since 24h]`: the audit log of the clusters this channel may address and the
 * policy lets this person audit, answered only to them. A long listing is also sent whole as a file, in a
 * direct message (an ephemeral message cannot carry one).
 */
export async function audit(ctx: CommandContext<Audit>): Promise<Ack> {
  const { deps, meta, command } = ctx;
  const addressable = clustersForChannel(deps.config.clusters, meta.channel).map((c) => c.name);
  if (command.cluster !== undefined && !addressable.includes(command.cluster)) {
    return ephemeral(
      notice('error', `Cluster \`${command.cluster}\` may not be addressed from this channel.`),
    );
  }
  if (addressable.length === 0)
    return ephemeral(notice('error', 'No cluster is configured for this channel.'));
  return await withApprovalServices(deps, async (services) => {
    const refused = (outcome: string, cluster: string | undefined, detail: string) =>
      services.audit.record({
        event: 'refused',
        user: meta.user,
        cluster,
        command: meta.text,
        outcome,
        detail,
      });
    const wanted = command.cluster !== undefined ? [command.cluster] : addressable;
    const clusters: string[] = [];
    for (const cluster of wanted) {
      const verdict = await authorizeRequest(deps.config.policy, services.groups, {
        user: meta.user,
        channel: meta.channel,
        cluster,
        command: 'audit',
        now: deps.clock.now(),
      });
      if (verdict.allowed) clusters.push(cluster);
      else if (command.cluster !== undefined) {
        await refused(verdict.refusal.reason, cluster, refusalDetail(verdict.refusal, 'audit', cluster));
        return ephemeral(requestRefusal(verdict.refusal, verdict.policy, deps.slash));
      }
    }
    if (clusters.length === 0) {
      await refused(
        'not-allowed-to-audit',
        undefined,
        `may audit none of the clusters of channel ${meta.channel}`,
      );
      return ephemeral(
        notice('error', 'The policy lets you audit none of the clusters this channel may address.'),
      );
    }
    const listing = await services.audit.list({ sinceSeconds: command.sinceSeconds, clusters });
    const long = listing.records.length > AUDIT_LINES_SHOWN;
    // The file follows the answer, through the outbox like every other Slack write.
    if (long) {
      await deps.reporter.directFile(
        meta.channel,
        meta.user,
        { filename: 'bosun-audit.txt', title: 'bosun audit log', content: auditTable(listing.records) },
        auditFileComment(deps.slash),
        auditFileFailed(),
      );
    }
    const file = long ? ('sending' as const) : undefined;
    ctx.log.info({ clusters, entries: listing.records.length }, 'audit listed');
    return ephemeral(
      auditListing({ ...listing, sinceSeconds: command.sinceSeconds, clusters, slash: deps.slash, file }),
    );
  });
}
