import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { artifactDir, describeWithChromium, launchChromium, type TestBrowser } from '../support/browser.js';
import { startTestSandbox } from '../support/sandbox.js';
import { eventually } from '../support/sim.js';

/**
 * The sandbox's web console in the machine's Chromium, against a real sandbox (simulator, Slack stand-in, bot,
 * worker): what a person at the console sees and does. Screenshots go to test-artifacts/console/.
 */

/** The text as the page renders it (line breaks where a person sees them), which is what these tests check. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not a DOM node's
const seen = (locator: Locator) => locator.innerText();

/** Polls `probe` until it returns something truthy (test/support/sim.ts `eventually`, for probes that answer false). */
const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000) =>
  eventually(what, async () => (await probe()) || undefined, timeoutMs);

/** Which fonts on this machine have a glyph for `char` (fontconfig's answer, not the page's). */
function fontsWithGlyph(char: string): string[] | undefined {
  const codePoint = char.codePointAt(0)?.toString(16);
  try {
    const out = execFileSync('fc-list', [`:charset=${codePoint}`, 'family'], { encoding: 'utf8' });
    return out.split('\n').filter((line) => line.trim() !== '');
  } catch {
    return undefined;
  }
}

describeWithChromium('the sandbox console in a browser', (chromiumPath) => {
  let sandbox: RunningSandbox;
  let browser: TestBrowser;
  let artifacts: string;
  let page: Page;

  beforeAll(async () => {
    artifacts = await artifactDir('console');
    console.info(`console screenshots: ${artifacts}`);
    [sandbox, browser] = await Promise.all([startTestSandbox(), launchChromium(chromiumPath())]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(sandbox.url);
    await until('the console to load the channel', async () =>
      (await seen(page.locator('#channel-title'))).includes('#ops'),
    );
    expect(errors).toEqual([]);
  });

  afterEach(async () => {
    await page.close();
    // A modal a failed test left open would cover the next test's channel.
    for (const view of sandbox.standIn.views())
      sandbox.standIn.closeView({ viewId: view.id, user: view.user });
  });

  const shot = async (name: string) => {
    await page.screenshot({ path: join(artifacts, `${name}.png`) });
  };
  const composer = () => page.locator('#command-text');

  /** Types into the composer and sends; resolves to the request id the console shows for it. */
  const send = async (typed: string): Promise<string> => {
    await composer().fill(typed);
    await composer().press('Enter');
    try {
      await until(`the console to send "${typed}"`, async () => (await composer().inputValue()) === '');
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; the status line says: ${await seen(page.locator('#status'))}`,
      );
    }
    const status = await seen(page.locator('#status'));
    const id = /→ (r-[a-z0-9]+)/.exec(status)?.[1];
    if (!id) throw new Error(`no request id in the status line: ${status}`);
    return id;
  };

  /** The request's card: the top-level, non-ephemeral message whose header names the request id. */
  const cardOf = (requestId: string): Locator =>
    page
      .locator('#messages > .message:not(.ephemeral)')
      .filter({ has: page.locator(':scope > .meta .badge', { hasText: requestId }) });
  const textOf = async (locator: Locator) => ((await locator.count()) > 0 ? seen(locator.first()) : '');
  const waitForText = async (locator: Locator, pattern: RegExp, what: string, timeoutMs = 15_000) => {
    let last = '';
    try {
      return await until(
        what,
        async () => {
          last = await textOf(locator);
          return pattern.test(last) ? last : undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; it shows:\n${last}`);
    }
  };
  /** What a message shows below its author and time. */
  const bodyOf = async (message: Locator) => {
    const all = await seen(message);
    const meta = await seen(message.locator(':scope > .meta'));
    return all.slice(meta.length).replace(/^\n/, '');
  };
  const actAs = async (name: string) => {
    await page.locator('#user').selectOption({ label: name });
  };
  /** The rows of the `nodes` table in the request's thread, as the code block shows them. */
  const nodesTable = async (requestId: string): Promise<string[]> => {
    const table = cardOf(requestId).locator('pre');
    const text = await waitForText(table, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/, 'the nodes table');
    return text.split('\n');
  };

  it('runs `nodes` and shows the table; the composer suggests draining one of those nodes', async () => {
    const placeholder = await composer().getAttribute('placeholder');
    const suggested = /^\/bosun drain (\S+)$/.exec(placeholder ?? '')?.[1];
    expect(placeholder).toMatch(/^\/bosun drain \S+$/);

    const requestId = await send('nodes');

    const rows = await nodesTable(requestId);
    expect(rows[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'control-plane-1 Ready control-plane',
      'worker-1 Ready <none>',
      'worker-2 Ready <none>',
      'worker-3 Ready <none>',
    ]);
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toContain(suggested);
    expect(await bodyOf(cardOf(requestId))).toMatch(/^\/bosun nodes on sandbox\n.*Done · 4 nodes, 4 Ready\n/);
    await shot('nodes');
  });

  it('takes the /bosun prefix typed into the composer: "/bosun nodes" runs nodes', async () => {
    const requestId = await send('/bosun nodes');

    await nodesTable(requestId);
    expect(await bodyOf(cardOf(requestId))).toMatch(/^\/bosun nodes on sandbox\n.*Done · 4 nodes, 4 Ready\n/);
  });

  it("drains worker-1: alice's own Approve is refused and she is told why, bob approves, the thread shows progress and the summary, then nodes shows it cordoned", async () => {
    const requestId = await send('drain worker-1');
    const card = cardOf(requestId);
    await waitForText(card, /Waiting for approval/, 'the approval card');
    await card.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await textOf(card)).toMatch(/worker-1: \d+ pods to evict/);

    await card.getByRole('button', { name: 'Approve' }).click();
    const why = page
      .locator('#messages > .message.ephemeral')
      .filter({ has: page.locator(':scope > .meta .badge', { hasText: requestId }) });
    const explanation = await waitForText(why, /four eyes/, "alice's explanation");
    expect(explanation).toContain('only visible to you');
    expect(await textOf(card)).toContain('Waiting for approval');
    await shot('drain-1-alice-refused');

    await actAs('bob');
    await until("alice's explanation to leave bob's screen", async () => (await why.count()) === 0);
    await card.getByRole('button', { name: 'Approve' }).click();

    const done = await waitForText(card, /Done/, 'the drain to finish', 30_000);
    expect(done).toContain('Approved by @bob');
    const thread = card.locator('.replies');
    const replies = await waitForText(
      thread,
      /worker-1 drained in [\d.]+s: 3 pods evicted\. It stays cordoned until you uncordon it\./,
      "the drain's summary in the thread",
    );
    expect(replies).toContain('worker-1 is cordoned. Evicting 3 pods of 3 owners');
    // One node drained: no NODE column; where the pods went, and that they are up.
    expect(replies).toMatch(/^POD\s+OWNER\s+OUTCOME$/m);
    expect(replies.match(/^[a-z-]+\/\S+\s+\S+\s+evicted$/gm)).toHaveLength(3);
    expect(replies).toMatch(/ReplicaSet\/web-\S+ in shop: (\d+)\/\1 replacements Ready: worker-/);
    await thread.locator('pre').last().scrollIntoViewIfNeeded();
    await shot('drain-2-finished');

    const nodes = await send('nodes');
    const rows = await nodesTable(nodes);
    expect(rows.find((row) => row.startsWith('worker-1 '))?.split(/\s+/)[1]).toBe('Ready,SchedulingDisabled');
    await shot('drain-3-cordoned');
  }, 45_000);

  it('opens a modal over the channel, in view, with its text; Cancel closes it and nothing changes', async () => {
    const requestId = await send('drain worker-2 --delete-emptydir-data');
    const card = cardOf(requestId);
    await card.getByRole('button', { name: 'Reject' }).waitFor();
    await actAs('bob');
    await card.getByRole('button', { name: 'Reject' }).click();

    const dialog = page.getByRole('dialog', { name: 'Reject request' });
    await dialog.waitFor();
    expect(await seen(dialog)).toMatch(
      /^Reject request\nReject \/bosun drain worker-2 --delete-emptydir-data\? The reason goes into the request's thread\.\nReason\n/,
    );
    expect(await seen(dialog)).not.toContain('[object');
    const box = await dialog.boundingBox();
    const viewport = page.viewportSize();
    expect(box && viewport).toBeTruthy();
    if (box && viewport) {
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    }
    await shot('modal-open');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await textOf(card)).toContain('Waiting for approval');
  });

  it('rejects a request with a reason through the modal: the card shows it rejected, with the reason quoted', async () => {
    const requestId = await send('drain worker-3 --delete-emptydir-data');
    const card = cardOf(requestId);
    await card.getByRole('button', { name: 'Reject' }).waitFor();
    await actAs('bob');
    await card.getByRole('button', { name: 'Reject' }).click();

    const dialog = page.getByRole('dialog', { name: 'Reject request' });
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Not during the sale: wait until Monday');
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const rejected = await waitForText(card, /Rejected by @bob/, 'the card to say rejected');
    expect(rejected).not.toContain('Waiting for approval');
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await seen(card.locator('blockquote'))).toBe('Not during the sale: wait until Monday');
    await shot('rejected');
  });

  it('keeps the composer at the bottom of the window, and the list follows new messages while you are at its end', async () => {
    for (let i = 1; i <= 30; i++)
      sandbox.standIn.postAsUser({ channel: 'COPS', user: 'UBOB', text: `filler message ${i}` });
    const last = page.locator('#messages > .message', { hasText: 'filler message 30' });
    await last.waitFor();

    const inWindow = async (locator: Locator) => {
      const box = await locator.boundingBox();
      const viewport = page.viewportSize();
      return Boolean(box && viewport && box.y >= 0 && box.y + box.height <= viewport.height);
    };
    const inList = async (locator: Locator) => {
      const list = await page.locator('#messages').boundingBox();
      const box = await locator.boundingBox();
      return Boolean(list && box && box.y >= list.y - 1 && box.y + box.height <= list.y + list.height + 1);
    };
    expect(await inWindow(composer())).toBe(true);
    expect(await inWindow(page.locator('header'))).toBe(true);
    expect(await until('the newest message to be in view', async () => inList(last))).toBe(true);

    // Scrolled up to read: a new message does not pull the list down.
    await page.locator('#messages').evaluate((list) => {
      list.scrollTop = 0;
    });
    sandbox.standIn.postAsUser({ channel: 'COPS', user: 'UBOB', text: 'while you were reading' });
    const reading = page.locator('#messages > .message', { hasText: 'while you were reading' });
    await reading.waitFor({ state: 'attached' });
    expect(await inList(reading)).toBe(false);
    expect(await inList(page.locator('#messages > .message').first())).toBe(true);

    // Sending a command brings you back to the end, where its answer shows.
    const requestId = await send('help');
    const answer = page
      .locator('#messages > .message.ephemeral')
      .filter({ has: page.locator(':scope > .meta .badge', { hasText: requestId }) });
    await answer.waitFor();
    expect(await until('the answer to be in view', async () => inList(answer))).toBe(true);
    expect(await inWindow(composer())).toBe(true);
    await shot('scrolled-to-end');
  });

  it("renders Slack's mrkdwn: > quotes, ``` code blocks and `inline code`, as Slack shows them", async () => {
    sandbox.standIn.postAsUser({
      channel: 'COPS',
      user: 'UBOB',
      text: [
        'Plan for *worker-9*:',
        '>first quoted line',
        '> second with `kubectl drain`',
        'after the quote',
        '```',
        'kubectl get nodes',
        'NAME   STATUS',
        '```',
        'then `inline` code',
      ].join('\n'),
    });
    const message = page.locator('#messages > .message', { hasText: 'Plan for' });
    await message.waitFor();

    expect(await seen(message.locator('blockquote'))).toBe('first quoted line\nsecond with kubectl drain');
    expect(await seen(message.locator('blockquote code'))).toBe('kubectl drain');
    expect(await seen(message.locator('pre'))).toBe('kubectl get nodes\nNAME   STATUS');
    expect(await seen(message.locator('code').last())).toBe('inline');
    expect(await message.locator('b', { hasText: 'worker-9' }).count()).toBe(1);
    expect((await bodyOf(message)).split('\n')).toEqual([
      'Plan for worker-9:',
      'first quoted line',
      'second with kubectl drain',
      'after the quote',
      'kubectl get nodes',
      'NAME   STATUS',
      'then inline code',
    ]);
  });

  it('shows emoji shortcodes as emoji where a font has them, else as :name: text, never as blank boxes', async () => {
    sandbox.standIn.postAsUser({
      channel: 'COPS',
      user: 'UBOB',
      text: 'emoji check :white_check_mark: done :warning: careful :bosun_no_such_emoji: end',
    });
    const message = page.locator('#messages > .message', { hasText: 'emoji check' });
    await message.waitFor();

    for (const [code, char] of [
      [':white_check_mark:', '\u2705'],
      [':warning:', '\u26a0\ufe0f'],
    ] as const) {
      const shown = message.locator(`[title="${code}"]`);
      expect(await shown.count()).toBe(1);
      const fonts = fontsWithGlyph(char);
      const text = await seen(shown);
      if (fonts === undefined) expect([char, code]).toContain(text);
      else expect(text).toBe(fonts.length > 0 ? char : code);
    }
    expect(await seen(message)).toContain('end');
    expect(await seen(message)).toContain(':bosun_no_such_emoji:');
  });
});
