import type { VerifyReport } from '../backup/verify-backup.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';

const count = (n: number) => n.toLocaleString('en-US');
const PROBLEMS_SHOWN = 15;

/** `backup verify <id>`: passed or failed, what was checked, and each problem with its file, in one message. */
export function backupVerified(report: VerifyReport): SlackMessage {
  const { manifest, dryRun } = report;
  const { verification } = manifest;
  const passed = verification.state === 'passed';
  const accepted = dryRun.created + dryRun.alreadyExist;
  const dryRunText =
    dryRun.tried === 0
      ? 'nothing a restore would create'
      : `${count(accepted)} of ${count(dryRun.tried)} objects accepted${dryRun.sampled ? ` (a sample of ${count(dryRun.restorable)})` : ''}, ${count(dryRun.alreadyExist)} of them already exist`;
  const checked = `${count(report.files)} files read back, checksums recomputed and parsed; dry-run create: ${dryRunText}.`;
  const head = passed
    ? `:white_check_mark: Backup *${manifest.id}* of *${escapeMrkdwn(manifest.cluster)}* passed verification.`
    : `:x: Backup *${manifest.id}* of *${escapeMrkdwn(manifest.cluster)}* FAILED verification: ${count(verification.problems.length)} problem${verification.problems.length === 1 ? '' : 's'}. It is not used as \`latest\`.`;
  const problems = verification.problems.slice(0, PROBLEMS_SHOWN).map((p) => `• ${escapeMrkdwn(p)}`);
  if (verification.problems.length > PROBLEMS_SHOWN) {
    problems.push(
      `… and ${verification.problems.length - PROBLEMS_SHOWN} more, in the backup's manifest.json`,
    );
  }
  const notes = (verification.notes ?? []).map((n) => escapeMrkdwn(n));
  return {
    text: passed
      ? `Backup ${manifest.id} of ${manifest.cluster} passed verification (${verification.checks.join(', ')})`
      : `Backup ${manifest.id} of ${manifest.cluster} FAILED verification: ${verification.problems[0] ?? ''}`,
    blocks: [
      section(head),
      ...(problems.length > 0 ? [section(problems.join('\n'))] : []),
      context(
        [checked, ...notes.map((n) => `${n.charAt(0).toUpperCase()}${n.slice(1)}.`)].join(' ') +
          ` Checks: ${verification.checks.join(', ')}.`,
      ),
    ],
  };
}
