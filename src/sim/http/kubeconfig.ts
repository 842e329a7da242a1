import YAML from 'yaml';

export interface KubeconfigOptions {
  /** `http://127.0.0.1:port` or `https://…`. */
  server: string;
  /** PEM of the serving CA, for https. */
  ca?: string;
  /** Names of the cluster, user and context (default `bosun-sim`). */
  name?: string;
  token?: string;
}

/** A kubeconfig for kubectl (and client-node's loadFromString) pointing at the simulator. */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const name = options.name ?? 'bosun-sim';
  const cluster: Record<string, unknown> = { server: options.server };
  if (options.ca) cluster['certificate-authority-data'] = Buffer.from(options.ca).toString('base64');
  else if (options.server.startsWith('http:')) cluster['insecure-skip-tls-verify'] = true;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: options.token ?? 'bosun-sim-token' } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}
