/** The API server's version, as `/version` reports it (`v1.31.4`). */
export interface ServerVersion {
  gitVersion(signal?: AbortSignal): Promise<string>;
}
