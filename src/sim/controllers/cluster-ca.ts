import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

let cached: Promise<string | undefined> | undefined;

/**
 * The PEM `kube-root-ca.crt` publishes: the serving CA when the API server has one (https), otherwise a
 * CA made once per process with the openssl binary (CN `kubernetes`, as kubeadm names its CA), since a
 * plain-http simulator has none. Undefined when openssl is missing.
 */
export function clusterCaPem(servingCa?: string): Promise<string | undefined> {
  if (servingCa) return Promise.resolve(servingCa);
  cached ??= generateCa();
  return cached;
}

async function generateCa(): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-sim-ca-'));
  try {
    await execa('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.crt'),
      '-days',
      '3650',
      '-subj',
      '/CN=kubernetes',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
    ]);
    return await readFile(join(dir, 'ca.crt'), 'utf8');
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
