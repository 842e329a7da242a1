import type { DrainPreview } from '../ops/preview/drain-preview.js';
import type { Exclusion } from '../ops/preview/node-eligibility.js';
import type { ExcludedNodes, RoomCheck } from '../ops/preview/room-check.js';
import type { SlackMessage } from '../queue/payloads.js';
import { clip, context, escapeMrkdwn, section } from './blocks.js';
import { drainRefusalWords, overrideFlags } from './drain-words.js';

const cores = (millis: number) =>
  millis % 1000 === 0 ? `${millis / 1000}` : `${(millis / 1000).toFixed(1)}`;
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)}Gi`;
const pods = (names: string[], max = 6) =>
  names.slice(0, max).map(escapeMrkdwn).join(', ') + (names.length > max ? `, +${names.length - max}` : '');

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

const EXCLUSION_WORDS: Record<Exclusion['reason'], string> = {
  'being-drained': 'being drained',
  cordoned: 'cordoned',
  'not-ready': 'not Ready',
  tainted: 'tainted',
  'no-match': 'not matching the node selector/affinity',
};

/** `2 cordoned, 1 tainted node-role.kubernetes.io/control-plane`: every node counted by why it is left out. */
function exclusionWords(excluded: readonly ExcludedNodes[]): string {
  if (excluded.length === 0) return 'the cluster has no nodes';
  return excluded
    .map(({ exclusion, nodes }) => {
      const words = EXCLUSION_WORDS[exclusion.reason];
      return `${nodes.length} ${exclusion.reason === 'tainted' ? `${words} ${escapeMrkdwn(exclusion.taint)}` : words}`;
    })
    .join(', ');
}

/**
 * Whether the replacements have somewhere to go. Pods no node may take get the reason, nodes counted by why they
 * are left out; pods that may go somewhere but find no room get the arithmetic over the nodes they may use.
 */
function roomSection(room: RoomCheck): string | undefined {
  if (room.pods === 0) return undefined;
  const need = `${cores(room.requested.cpuMillis)} CPU, ${gib(room.requested.memoryBytes)}`;
  const free = `${cores(room.free.cpuMillis)} CPU, ${gib(room.free.memoryBytes)} free on ${plural(room.nodes.length, 'node')}`;
  if (room.fits)
    return `*Room*: :white_check_mark: the ${room.pods} replacement pods (${need} requested) fit: ${free}.`;
  const problems = room.stranded.map(
    (group) =>
      `no schedulable node for ${group.pods.length === room.pods && room.pods > 1 ? `the ${room.pods} replacement pods` : pods(group.pods)}: ${exclusionWords(group.excluded)}`,
  );
  if (room.unplaced.length > 0) {
    problems.push(
      `not enough room by requests: ${need} requested, ${free} they may use; no place for ${pods(room.unplaced)}`,
    );
  }
  const pending = room.unplaced.length + room.stranded.reduce((sum, g) => sum + g.pods.length, 0);
  const others = room.pods - pending;
  const rest = others === 0 ? '' : others === 1 ? ' The other pod fits.' : ` The other ${others} fit.`;
  const stay = pending === 1 ? 'It would stay Pending.' : 'They would stay Pending.';
  const [only] = problems;
  if (problems.length === 1 && only) return clip(`*Room*: :warning: ${only}. ${stay}${rest}`);
  return clip(
    `*Room*: :warning: ${pending} of the ${room.pods} replacement pods would stay Pending:\n${problems.map((p) => `• ${p}`).join('\n')}`,
  );
}

/**
 * The preview as card sections (for the approval card, src/approvals): what will be evicted grouped by owner,
 * which budgets make it wait, and whether the other nodes have room. Each section stays within Slack's limits.
 */
export function drainPreviewSections(preview: DrainPreview): string[] {
  const sections: string[] = [];
  for (const node of preview.nodes) {
    const cordon = node.alreadyCordoned ? ' (already cordoned)' : '';
    if (node.errors.length > 0) {
      sections.push(
        `*${escapeMrkdwn(node.node)}*${cordon}: the drain would be refused, nothing evicted:\n` +
          node.errors.map((e) => `• ${escapeMrkdwn(e.message)}: ${pods(e.pods)}`).join('\n'),
      );
      continue;
    }
    const count = node.groups.reduce((sum, g) => sum + g.pods.length, 0);
    const groups = node.groups
      .map(
        (g) =>
          `• \`${escapeMrkdwn(g.namespace)}\` ${escapeMrkdwn(g.owner)}: ${g.pods.length} (${pods(g.pods, 3)})`,
      )
      .join('\n');
    const ignored = node.warnings.map((w) => `_${escapeMrkdwn(w.message)}: ${w.pods.length}_`).join(' · ');
    sections.push(
      clip(
        `*${escapeMrkdwn(node.node)}*${cordon}: ${count} pod${count === 1 ? '' : 's'} to evict${count > 0 ? `:\n${groups}` : '.'}${ignored ? `\n${ignored}` : ''}`,
      ),
    );
  }
  const blocking = preview.budgets.filter((b) => b.effect !== 'allows');
  if (blocking.length > 0) {
    const lines = blocking.map((b) => {
      const rule =
        b.minAvailable !== undefined
          ? `minAvailable ${b.minAvailable}`
          : `maxUnavailable ${b.maxUnavailable}`;
      const verdict = b.effect === 'blocks' ? ':no_entry: blocks now' : ':hourglass: one at a time';
      return `• ${verdict}: \`${escapeMrkdwn(`${b.namespace}/${b.name}`)}\` (${rule}) allows ${b.disruptionsAllowed} disruption${b.disruptionsAllowed === 1 ? '' : 's'} now (${b.currentHealthy} healthy, ${b.desiredHealthy} required); ${b.evicting} of its pods to evict`;
    });
    sections.push(clip(`*Disruption budgets*\n${lines.join('\n')}`));
  } else if (preview.budgets.length > 0) {
    sections.push(`*Disruption budgets*: all ${preview.budgets.length} allow their pods to go now.`);
  }
  const room = roomSection(preview.room);
  if (room) sections.push(room);
  return sections;
}

/** The nodes of the preview that kubectl's filters would refuse to drain. */
const refusedIn = (preview: DrainPreview) => preview.nodes.filter((n) => n.errors.length > 0);

/** `drain … --dry-run`: the preview as a thread reply. Nothing was changed. */
export function drainPreviewMessage(preview: DrainPreview): SlackMessage {
  const refused = refusedIn(preview);
  if (refused.length > 0) {
    const { message, hint } = drainRefusalWords(refused);
    return {
      text: `Dry run: the drain would be refused: ${message}. Nothing was changed.`,
      blocks: [
        section(`:no_entry: *Dry run*: the drain would be refused. Nothing was changed.`),
        ...drainPreviewSections(preview).map(section),
        context(hint),
      ],
    };
  }
  return {
    text: `Dry run: ${preview.evicting} pods would be evicted; nothing was changed.`,
    blocks: [
      section(
        `:mag: *Dry run*: ${preview.evicting} pod${preview.evicting === 1 ? '' : 's'} would be evicted. Nothing was changed.`,
      ),
      ...drainPreviewSections(preview).map(section),
      context('Run the same command without `--dry-run` to drain.'),
    ],
  };
}

/** The dry run's line on the card. */
export function drainPreviewSummary(preview: DrainPreview): string {
  const refused = refusedIn(preview);
  if (refused.length === 0) return `dry run: ${preview.evicting} pods would be evicted; nothing changed`;
  const flags = overrideFlags(refused);
  return `dry run: the drain would be refused${flags.length > 0 ? ` without ${flags.join(' and ')}` : ''}; nothing changed`;
}
