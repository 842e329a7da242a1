import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface ServingCertificate {
  /** PEM of the CA that signed `cert`: what a kubeconfig's certificate-authority-data carries. */
  ca: string;
  cert: string;
  key: string;
  /** A client certificate from the same CA for the admin identity (CN=kubernetes-admin, O=system:masters). */
  clientCert: string;
  clientKey: string;
}

/**
 * A throwaway CA and a serving certificate for 127.0.0.1, ::1 and localhost, made with the openssl binary
 * (node:crypto cannot issue certificates), and the admin's client certificate as kubeadm's admin.conf carries it
 * (kubeadm before 1.29: `O=system:masters`). Valid for a week; nothing is kept on disk.
 */
export async function generateServingCertificate(): Promise<ServingCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-sim-tls-'));
  const file = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await execa('openssl', [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '7',
      '-subj',
      '/CN=bosun-sim-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await execa('openssl', [
      'req',
      ...ecKey,
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      '/CN=bosun-sim',
    ]);
    await writeFile(
      file('ext.cnf'),
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    );
    await execa('openssl', [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.crt'),
      '-days',
      '7',
      '-extfile',
      file('ext.cnf'),
    ]);
    await execa('openssl', [
      'req',
      ...ecKey,
      '-keyout',
      file('client.key'),
      '-out',
      file('client.csr'),
      '-subj',
      '/O=system:masters/CN=kubernetes-admin',
    ]);
    await writeFile(
      file('client.cnf'),
      'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    );
    await execa('openssl', [
      'x509',
      '-req',
      '-in',
      file('client.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('client.crt'),
      '-days',
      '7',
      '-extfile',
      file('client.cnf'),
    ]);
    const [ca, cert, key, clientCert, clientKey] = await Promise.all([
      readFile(file('ca.crt'), 'utf8'),
      readFile(file('server.crt'), 'utf8'),
      readFile(file('server.key'), 'utf8'),
      readFile(file('client.crt'), 'utf8'),
      readFile(file('client.key'), 'utf8'),
    ]);
    return { ca, cert, key, clientCert, clientKey };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
