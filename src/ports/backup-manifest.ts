import { z } from 'zod';

export const ArtifactSchema = z.strictObject({
  path: z.string(),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Artifact = z.infer<typeof ArtifactSchema>;

export const KindCountSchema = z.strictObject({
  /** `deployments.apps` */
  resource: z.string(),
  kind: z.string(),
  count: z.number().int().min(0),
  bytes: z.number().int().min(0),
});

export const VerificationSchema = z.strictObject({
  state: z.enum(['passed', 'failed']),
  at: z.string(),
  /** What was checked: `checksums`, `parse`, `dry-run`, `drill`. */
  checks: z.array(z.string()),
  /** What was wrong, naming the file. */
  problems: z.array(z.string()).default([]),
  /** How it was checked, when a person should know (a dry run of a sample, objects not dry-run and why). */
  notes: z.array(z.string()).optional(),
});
export type Verification = z.infer<typeof VerificationSchema>;

/** How a backup's artifacts are encrypted at rest (src/backup/encryption.ts); absent when they are not. */
export const BackupEncryptionSchema = z.strictObject({
  algorithm: z.literal('AES-256-GCM'),
  /** Names the key, never holds it: which key a restore needs. */
  keyId: z.string(),
});
export type BackupEncryption = z.infer<typeof BackupEncryptionSchema>;

/**
 * What a backup holds, written last, once every artifact was written, re-read and matched its checksum: a
 * backup without a manifest does not exist. Every object file's checksum is in SHA256SUMS (an artifact), so
 * `sha256sum -c SHA256SUMS` checks a backup without bosun.
 */
export const BackupManifestSchema = z.strictObject({
  format: z.literal(1),
  id: z.string(),
  cluster: z.string(),
  what: z.enum(['resources']),
  startedAt: z.string(),
  finishedAt: z.string(),
  kubernetesVersion: z.string(),
  bosunVersion: z.string(),
  /** Who or what asked: `<@U…>` or `schedule <id>`. */
  trigger: z.string(),
  scope: z.strictObject({
    namespaces: z.array(z.string()).default([]),
    selector: z.string().optional(),
    excludedKinds: z.array(z.string()).default([]),
    secrets: z.enum(['included', 'excluded']),
    /** Why Secrets were left out, when they were. */
    secretsReason: z.string().optional(),
  }),
  objects: z.number().int().min(0),
  bytes: z.number().int().min(0),
  kinds: z.array(KindCountSchema),
  artifacts: z.array(ArtifactSchema),
  warnings: z.array(z.string()).default([]),
  verification: VerificationSchema,
  /** Checksums and sizes above are of the plaintext either way. */
  encryption: BackupEncryptionSchema.optional(),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;
