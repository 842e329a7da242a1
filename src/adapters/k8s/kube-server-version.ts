import type { VersionApi } from '@kubernetes/client-node';
import type { ServerVersion } from '../../ports/server-version.js';
import { translateClusterError } from './cluster-errors.js';
import { withTimeout } from './with-timeout.js';

export class KubeServerVersion implements ServerVersion {
  constructor(
    private readonly api: VersionApi,
    private readonly cluster: string,
  ) {}

  async gitVersion(signal?: AbortSignal): Promise<string> {
    try {
      const info = await withTimeout(this.api.getCode(), 15_000, signal);
      return info.gitVersion;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }
}
