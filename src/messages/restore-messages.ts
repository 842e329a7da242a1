import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, columns, context, escapeMrkdwn, MAX_TEXT, section } from './blocks.js';
import type { ReplyWithFile } from './nodes-reply.js';
import { notice } from './notice.js';

/** One object of a restore and what became of it (or, in a dry run, what would). */
export interface RestoreLine {
  /** `deployments.apps` */
  kind: string;
  namespace?: string;
  name: string;
  outcome: 'created' | 'replaced' | 'skipped' | 'failed';
  /** Why it was skipped, or the API server's message when it was refused. */
  reason?: string;
}

/** A restore as the messages show it: plain data, built by the operation from the plan and its results. */
export interface RestoreView {
  cluster: string;
  backupId: string;
  dryRun: boolean;
  /** `namespace billing`, `namespace billing into billing-copy`, `everything`; with `--kinds`, which. */
  scope: string;
  lines: readonly RestoreLine[];
  /** Runs after the first (another worker took it over). */
  resumed?: number;
}

const n = (count: number) => count.toLocaleString('en-US');
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

export function restoreCounts(lines: readonly RestoreLine[]) {
  const counts = { created: 0, replaced: 0, skipped: 0, failed: 0 };
  for (const line of lines) counts[line.outcome]++;
  return counts;
}

/** `12 created, 1 replaced, 8 skipped, 0 failed`; a dry run says what would be. */
function countsText(view: RestoreView): string {
  const c = restoreCounts(view.lines);
  return view.dryRun
    ? `${n(c.created)} to create, ${n(c.replaced)} to replace, ${n(c.skipped)} skipped, ${n(c.failed)} refused by the API server's dry run`
    : `${n(c.created)} created, ${n(c.replaced)} replaced, ${n(c.skipped)} skipped, ${n(c.failed)} failed`;
}

/** The card's last line. */
export function restoreSummaryLine(view: RestoreView): string {
  return view.dryRun
    ? `dry run of backup ${view.backupId}: ${countsText(view)}; nothing changed`
    : `backup ${view.backupId} restored: ${countsText(view)}`;
}

/** Per kind: how many objects were created, replaced, skipped and failed, in restore order. */
function kindTable(view: RestoreView): string[] {
  const kinds = new Map<string, ReturnType<typeof restoreCounts>>();
  for (const line of view.lines) {
    const counts = kinds.get(line.kind) ?? { created: 0, replaced: 0, skipped: 0, failed: 0 };
    counts[line.outcome]++;
    kinds.set(line.kind, counts);
  }
  const header = view.dryRun
    ? ['KIND', 'CREATE', 'REPLACE', 'SKIP', 'REFUSED']
    : ['KIND', 'CREATED', 'REPLACED', 'SKIPPED', 'FAILED'];
  return columns(
    header,
    [...kinds].map(([kind, c]) => [kind, n(c.created), n(c.replaced), n(c.skipped), n(c.failed)]),
  );
}

/** Why objects were skipped, most common first: `7 the cluster makes it in every namespace`. */
function skipReasons(lines: readonly RestoreLine[]): string[] {
  const reasons = new Map<string, number>();
  for (const line of lines) {
    if (line.outcome !== 'skipped') continue;
    // Owners differ per object; the reason is the same.
    const reason = (line.reason ?? 'skipped').replace(/^owned by \S+ \S+,/, 'owned by a controller,');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return [...reasons]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => `${plural(count, 'object')}: ${reason}`);
}

const where = (line: RestoreLine) => `${line.kind} ${line.namespace ? `${line.namespace}/` : ''}${line.name}`;

/** Every object, one line each, for the thread or the attached file. */
function objectLines(view: RestoreView): string[] {
  return columns(
    ['OBJECT', view.dryRun ? 'WOULD BE' : 'OUTCOME', 'WHY'],
    view.lines.map((l) => [where(l), l.outcome, l.reason ?? '']),
  );
}

const headline = (view: RestoreView) =>
  view.dryRun
    ? `*Dry run* of a restore of backup *${view.backupId}* into *${escapeMrkdwn(view.cluster)}* (${escapeMrkdwn(view.scope)}): ${countsText(view)}. Nothing was changed.`
    : `Restore of backup *${view.backupId}* into *${escapeMrkdwn(view.cluster)}* (${escapeMrkdwn(view.scope)}) finished: ${countsText(view)}.`;

/** What approving would do, for the approval card: the counts and the table per kind. */
export function restorePreviewSections(view: RestoreView): string[] {
  const c = restoreCounts(view.lines);
  return [
    `Restore backup *${view.backupId}* into *${escapeMrkdwn(view.cluster)}* (${escapeMrkdwn(view.scope)}): *${n(c.created)}* to create, *${n(c.replaced)}* to replace, ${n(c.skipped)} skipped.`,
    codeBlock(kindTable({ ...view, dryRun: true })),
  ];
}

/**
 * The report in the thread: the counts, a table per kind, the refusals with the API server's words, why
 * objects were skipped, and every object's outcome, inline when short, else as an attached file.
 */
export function restoreReport(view: RestoreView): ReplyWithFile {
  const failures = view.lines.filter((l) => l.outcome === 'failed');
  const icon = failures.length > 0 ? ':warning:' : view.dryRun ? ':mag:' : ':white_check_mark:';
  const head = [section(`${icon} ${headline(view)}`), section(codeBlock(kindTable(view)))];
  if (failures.length > 0) {
    const shown = failures
      .slice(0, 10)
      .map((l) => `• \`${escapeMrkdwn(where(l))}\`: ${escapeMrkdwn(l.reason ?? 'refused')}`);
    const more = failures.length > 10 ? [`…and ${n(failures.length - 10)} more (in the list).`] : [];
    head.push(
      section([view.dryRun ? '*Refused by the dry run:*' : '*Failed:*', ...shown, ...more].join('\n')),
    );
  }
  const reasons = skipReasons(view.lines);
  const tail = [
    ...(reasons.length > 0 ? [context(escapeMrkdwn(`Skipped: ${reasons.join('; ')}.`))] : []),
    ...(view.resumed
      ? [context(`It was resumed ${view.resumed} time${view.resumed === 1 ? '' : 's'} by another worker.`)]
      : []),
  ];
  const text = `Restore of backup ${view.backupId}${view.dryRun ? ' (dry run)' : ''}: ${countsText(view)}`;
  const lines = objectLines(view);
  const joined = lines.join('\n');
  if (view.lines.length <= 30 && joined.length + 8 <= MAX_TEXT) {
    return { message: { text, blocks: [...head, section(codeBlock(lines)), ...tail] } };
  }
  return {
    message: {
      text: `${text}; every object's outcome is in the file below.`,
      blocks: [
        ...head,
        context(`Every object's outcome (${n(view.lines.length)}) is in the file below.`),
        ...tail,
      ],
    },
    attachment: {
      filename: `restore-${view.backupId}.txt`,
      title: `Restore of ${view.backupId}: every object and its outcome`,
      content: `${joined}\n`,
    },
  };
}

/** The card while a restore runs. */
export function restoreProgressDetail(p: {
  done: number;
  total: number;
  failed: number;
  key: string;
}): string {
  const failed = p.failed > 0 ? `, ${n(p.failed)} failed` : '';
  return `Restoring: ${n(p.done)} of ${plural(p.total, 'object')} done${failed} (${p.key})`;
}

/** A restore cancelled while it ran: how far it got; what it wrote stays, and its label finds it. */
export function restoreStoppedMessage(
  p: { done: number; total: number; created: number; replaced: number; failed: number },
  restoreId: string,
): SlackMessage {
  return notice(
    'warning',
    `Restore stopped: ${n(p.done)} of ${plural(p.total, 'object')} done (${n(p.created)} created, ${n(p.replaced)} replaced, ${n(p.failed)} failed). What was written stays; \`kubectl get all,configmaps,secrets -A -l bosun.dev/restore=${restoreId}\` lists most of it.`,
  );
}

/** A worker picked up a restore another worker started (that one stopped or died). */
export function restoreResumedMessage(written: number): SlackMessage {
  return notice(
    'info',
    `Resumed by another worker: ${plural(written, 'object')} ${written === 1 ? 'was' : 'were'} written before; continuing with the rest. What is written is not written again.`,
  );
}
