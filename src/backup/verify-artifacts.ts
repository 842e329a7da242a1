import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Artifact } from '../ports/backup-manifest.js';

/** The SHA-256 and size of what a stream holds; a missing file answers undefined. */
export async function digestOf(stream: Readable): Promise<{ sha256: string; bytes: number } | undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    if (isMissingArtifact(error)) return undefined;
    throw error;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** SHA256SUMS as `sha256sum` writes it: `<hash>  <path>` per line. */
export function parseChecksums(text: string): Map<string, string> | string {
  const sums = new Map<string, string>();
  const lines = text.split('\n').filter((l) => l !== '');
  for (const [index, line] of lines.entries()) {
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!match?.[1] || !match[2]) return `line ${index + 1} is not "<sha256>  <path>"`;
    sums.set(match[2], match[1]);
  }
  return sums;
}

/** Object files read back at once. */
const READS_IN_FLIGHT = 16;

/**
 * Reads every artifact back from where it was stored and matches it against its checksum: the three files the
 * manifest lists, then every object file SHA256SUMS lists. Answers what is wrong, one line per file.
 */
export async function checkArtifacts(
  source: { read(path: string): Readable },
  artifacts: readonly Artifact[],
  objectSums: ReadonlyMap<string, string>,
  signal?: AbortSignal,
): Promise<string[]> {
  const problems: string[] = [];
  for (const artifact of artifacts) {
    const digest = await digestOf(source.read(artifact.path));
    if (!digest) problems.push(`${artifact.path} is missing`);
    else if (digest.sha256 !== artifact.sha256) problems.push(`${artifact.path} does not match its checksum`);
  }
  // Many small files: read several at once, report in SHA256SUMS order.
  const entries = [...objectSums];
  const found: (string | undefined)[] = new Array(entries.length);
  let next = 0;
  const reader = async () => {
    while (next < entries.length) {
      signal?.throwIfAborted();
      const index = next++;
      const [path, sha] = entries[index] ?? ['', ''];
      const digest = await digestOf(source.read(path));
      if (!digest) found[index] = `${path} is missing`;
      else if (digest.sha256 !== sha) found[index] = `${path} does not match its checksum in SHA256SUMS`;
    }
  };
  await Promise.all(Array.from({ length: READS_IN_FLIGHT }, reader));
  problems.push(...found.filter((p): p is string => p !== undefined));
  return problems;
}

/** A store's "no such file" (a local folder's ENOENT, S3's NoSuchKey): the artifact is missing, not unreadable. */
export function isMissingArtifact(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as { name?: string }).name === 'NoSuchKey'
  );
}
