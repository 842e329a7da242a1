import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { KubeClusterResources } from '../../src/adapters/k8s/kube-cluster-resources.js';
import { KubeServerVersion } from '../../src/adapters/k8s/kube-server-version.js';
import { newBackupId } from '../../src/backup/backup-id.js';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { runBackup } from '../../src/backup/run-backup.js';
import { systemClock } from '../../src/shared/clock.js';

/** In a child process: one bosun backup into `dir`; prints its time, peak RSS and what it covered. */
export async function backupChild(kubeconfigPath: string, dir: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const store = new LocalBackupStore(dir);
  const started = performance.now();
  const manifest = await runBackup(
    {
      resources: new KubeClusterResources(kc, 'bench'),
      store,
      version: new KubeServerVersion(kc.makeApiClient(VersionApi), 'bench'),
      clock: systemClock,
      bosunVersion: 'bench',
    },
    {
      id: newBackupId(Date.now()),
      cluster: 'bench',
      trigger: 'bench',
      namespaces: [],
      excludeKinds: [],
      secrets: true,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      maxRssKb: process.resourceUsage().maxRSS,
      objects: manifest.objects,
      kinds: manifest.kinds.length,
      bytes: manifest.bytes,
      verified: manifest.verification.state,
    })}\n`,
  );
}

// `node backup-child.mjs <kubeconfig> <dir>`, as bench/backup.ts runs it once compiled.
await backupChild(process.argv[2] ?? '', process.argv[3] ?? '');
