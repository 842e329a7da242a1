import type { BackupManifest } from '../ports/backup-manifest.js';
import type { SlackMessage } from '../queue/payloads.js';
import { humanDuration } from '../shared/human-duration.js';
import { slackTime } from './approval-time.js';
import { codeBlock, columns, context, escapeMrkdwn, section } from './blocks.js';

/** `1.2 MB`, `830 KB`, `512 B`: sizes as people read them (decimal, as `ls -h --si` and S3 consoles show). */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The first 12 hex digits of the backup's SHA256SUMS checksum: enough to tell two backups apart by eye. */
export function shortChecksum(manifest: BackupManifest): string {
  return (
    (manifest.artifacts.find((a) => a.path === 'SHA256SUMS') ?? manifest.artifacts[0])?.sha256.slice(0, 12) ??
    ''
  );
}

function durationMs(manifest: BackupManifest): number {
  return Date.parse(manifest.finishedAt) - Date.parse(manifest.startedAt);
}

function scopeText(manifest: BackupManifest): string {
  const { scope } = manifest;
  const parts = [
    scope.namespaces.length > 0 ? `Namespaces ${scope.namespaces.join(', ')}` : 'Every namespace',
  ];
  if (scope.selector) parts.push(`selector ${scope.selector}`);
  if (scope.excludedKinds.length > 0) parts.push(`without ${scope.excludedKinds.join(', ')}`);
  parts.push(
    scope.secrets === 'included' ? 'Secrets included' : `no Secrets (${scope.secretsReason ?? 'left out'})`,
  );
  return parts.join('; ');
}

/** The one line a backup is known by: objects, size, time taken, short checksum, verified. */
export function backupLine(manifest: BackupManifest): string {
  const verified = manifest.verification.state === 'passed' ? 'verified' : 'FAILED verification';
  return `${plural(manifest.objects, 'object')} in ${plural(manifest.kinds.length, 'kind')}, ${sizeText(manifest.bytes)}, took ${humanDuration(durationMs(manifest))}, sha256 ${shortChecksum(manifest)}, ${verified}`;
}

/** The answer on the card when `backup now` finished: what was taken, where, and how to look inside. */
export function backupTaken(manifest: BackupManifest, store: string, slash: string): SlackMessage {
  const warnings = manifest.warnings.map((w) => `:warning: ${escapeMrkdwn(w)}`);
  return {
    text: `Backup ${manifest.id} of ${manifest.cluster}: ${backupLine(manifest)}`,
    blocks: [
      section(
        `:white_check_mark: Backup *${manifest.id}* of *${escapeMrkdwn(manifest.cluster)}*: ${escapeMrkdwn(backupLine(manifest))}.`,
      ),
      ...(warnings.length > 0 ? [section(warnings.join('\n'))] : []),
      context(
        `${escapeMrkdwn(scopeText(manifest))}. In the ${escapeMrkdwn(store)}. \`${slash} backup show ${manifest.id}\` lists what it holds.`,
      ),
    ],
  };
}

/** `backup list`: the cluster's backups, newest first, in one message. */
export function backupList(
  cluster: string,
  manifests: readonly BackupManifest[],
  slash: string,
  now: number,
  shown = 15,
): SlackMessage {
  if (manifests.length === 0) {
    return {
      text: `${cluster} has no backups yet.`,
      blocks: [section(`*${escapeMrkdwn(cluster)}* has no backups yet. \`${slash} backup now\` takes one.`)],
    };
  }
  const newest = [...manifests].reverse();
  const rows = newest
    .slice(0, shown)
    .map((m) => [
      m.id,
      humanDuration(now - Date.parse(m.startedAt)),
      String(m.objects),
      sizeText(m.bytes),
      m.scope.namespaces.length > 0 ? m.scope.namespaces.join(',') : 'all',
      m.verification.state === 'passed' ? 'verified' : 'FAILED',
    ]);
  const more = newest.length > shown ? [context(`${newest.length - shown} older backups not shown.`)] : [];
  return {
    text: `${cluster}: ${plural(manifests.length, 'backup')}, newest ${newest[0]?.id}`,
    blocks: [
      section(`*${escapeMrkdwn(cluster)}*: ${plural(manifests.length, 'backup')}, newest first`),
      section(codeBlock(columns(['ID', 'AGE', 'OBJECTS', 'SIZE', 'NAMESPACES', 'CHECK'], rows))),
      ...more,
      context(`\`${slash} backup show <id>\` for one backup's contents.`),
    ],
  };
}

/** `backup show <id>`: the manifest, as people read it. */
export function backupDetails(manifest: BackupManifest): SlackMessage {
  const kinds = [...manifest.kinds].sort((a, b) => b.count - a.count || a.resource.localeCompare(b.resource));
  const rows = kinds.slice(0, 30).map((k) => [k.resource, String(k.count), sizeText(k.bytes)]);
  const rest = kinds.slice(30);
  if (rest.length > 0) {
    rows.push([
      `${rest.length} more kinds`,
      String(rest.reduce((n, k) => n + k.count, 0)),
      sizeText(rest.reduce((n, k) => n + k.bytes, 0)),
    ]);
  }
  const checks = manifest.verification;
  const verdict =
    checks.state === 'passed'
      ? `:white_check_mark: Verified ${slackTime(Date.parse(checks.at))}: ${checks.checks.join(', ')}.`
      : `:x: Failed verification ${slackTime(Date.parse(checks.at))}: ${escapeMrkdwn(checks.problems.slice(0, 5).join('; '))}`;
  const artifacts = manifest.artifacts.map(
    (a) => `\`${a.path}\` ${sizeText(a.bytes)} sha256 \`${a.sha256}\``,
  );
  return {
    text: `Backup ${manifest.id} of ${manifest.cluster}: ${backupLine(manifest)}`,
    blocks: [
      section(
        `*Backup ${manifest.id}* of *${escapeMrkdwn(manifest.cluster)}*, ${slackTime(Date.parse(manifest.startedAt))}, asked by ${manifest.trigger}\n` +
          `Kubernetes ${escapeMrkdwn(manifest.kubernetesVersion)}, bosun ${escapeMrkdwn(manifest.bosunVersion)}. ${escapeMrkdwn(scopeText(manifest))}.`,
      ),
      section(codeBlock(columns(['KIND', 'OBJECTS', 'SIZE'], rows))),
      section(artifacts.join('\n')),
      ...(manifest.warnings.length > 0
        ? [section(manifest.warnings.map((w) => `:warning: ${escapeMrkdwn(w)}`).join('\n'))]
        : []),
      context(verdict),
    ],
  };
}
