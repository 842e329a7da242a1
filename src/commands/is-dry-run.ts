import type { Command } from './grammar.js';

/**
 * A dry run (`drain --dry-run`) only reports what would happen and changes nothing, so it never waits for an
 * approval; policy still decides who may ask for it. Every other command gets the approvals its policy asks for,
 * read-only ones included, as the admin wrote them.
 */
export function isDryRun(command: Command): boolean {
  return command.name === 'drain' && command.dryRun;
}
