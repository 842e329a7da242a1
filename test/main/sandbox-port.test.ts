import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** `bosun sandbox` on a port something else holds: told at once, before Redis or the simulator start. */
describe('bosun sandbox on a busy port', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(async () => await new Promise<void>((resolve) => holder.close(() => resolve())));

  it('says the port is in use and which flag chooses another, and starts nothing', async () => {
    const result = await execa(
      process.execPath,
      [fileURLToPath(new URL('../../bin/bosun.js', import.meta.url)), 'sandbox', '--port', String(port)],
      { reject: false, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`bosun sandbox: port ${port} is in use`);
    expect(result.stderr).toContain(`--port ${port + 1}`);
    expect(result.stderr).toContain('--port 0 for any free one');
    // Nothing started: not even the line that announces Redis and the rest.
    expect(result.stderr).not.toContain('starting Redis');
    expect(result.stdout).not.toContain('ready');
  });
});
