import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** `20261207-153045-k3qf` */
export const BACKUP_ID = /^\d{8}-\d{6}-[a-z2-9]{4}$/;

/**
 * A backup's id: its UTC start time, readable and sorting by time, and four random characters so that two
 * backups started in the same second differ (`20261207-153045-k3qf`).
 */
export function newBackupId(at: number, random: (n: number) => Buffer = randomBytes): string {
  const iso = new Date(at).toISOString(); // 2026-12-07T15:30:45.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const bytes = random(4);
  let suffix = '';
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return `${stamp}-${suffix}`;
}

export function isBackupId(text: string): boolean {
  return BACKUP_ID.test(text);
}
