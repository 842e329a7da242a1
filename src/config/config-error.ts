/** One problem with the configuration: where it is and what to do about it. Never carries a secret's value. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/**
 * Every problem found, all at once. `bosun` prints them and exits with code 2. A hint (what a minimal config
 * looks like, say) follows the list when the problems alone would not show the way.
 */
export class ConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    readonly source: string,
    readonly hint?: string,
  ) {
    super(
      `invalid configuration (${source}): ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n') +
        (hint ? `\n${hint}` : ''),
    );
    this.name = 'ConfigError';
  }
}
