import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Rig {
  endpoint: string;
  bucket: string;
  /** s3rver's own directory: what it keeps on disk. */
  directory: string;
  /** s3rver's fixed test credentials (it accepts no others). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** An S3-compatible server (s3rver, from npm) on a free loopback port, with one empty bucket, in a temp dir. */
export async function startS3Rig(bucket = 'bosun-backups'): Promise<S3Rig> {
  const directory = await mkdtemp(join(tmpdir(), 'bosun-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    directory,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
