/** People's names, as a port: an audit entry keeps the name its person had when it was written. */
export interface UserNames {
  /** The person's name, or undefined when it cannot be told now (the entry is written without it). */
  nameOf(userId: string): Promise<string | undefined>;
}
