import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * The machine's Chromium: `CHROMIUM_PATH`, else `chromium` on the PATH. playwright-core never downloads a
 * browser; `.ci/run` installs Debian's `chromium` when it is missing.
 */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH names ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return found === '' ? undefined : found;
  } catch {
    return undefined;
  }
}

/**
 * `describe` for tests that need the machine's Chromium. Without one they fail (never skip), each saying how to
 * get it: the README's test command is the whole suite, and `.ci/run` installs Debian's `chromium` when missing.
 */
export function describeWithChromium(name: string, body: (chromiumPath: () => string) => void): void {
  const path = findChromium();
  describe(name, () => {
    body(() => {
      if (!path) {
        throw new Error(
          'no Chromium on this machine: install it (apt-get install chromium) or set CHROMIUM_PATH to one',
        );
      }
      return path;
    });
  });
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile. The flags keep it off the network it would otherwise call home on
 * (on a closed network it misbehaves without them).
 */
export async function launchChromium(executablePath: string): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'bosun-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      timeout: 20_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.setDefaultTimeout(10_000);
    return {
      context,
      close: async () => {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** `test-artifacts/<name>/` at the repository's root (git-ignored), created if missing. */
export async function artifactDir(name: string): Promise<string> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = join(root, 'test-artifacts', name);
  await mkdir(dir, { recursive: true });
  return dir;
}
