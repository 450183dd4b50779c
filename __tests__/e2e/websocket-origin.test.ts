import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express from 'express';
import type { Browser, BrowserContext } from 'playwright-core';
import { createDemoApp, demoUpgrades } from '../../demo-app/app';
import { CROSS_SITE_HOST, launchBrowser } from '../helpers/browser';
import { CHROMIUM, describeWithTool } from '../helpers/system-tool';
import { SECRET } from '../helpers/tokens';

const TIMEOUT_MS = 60_000;

interface Answer {
  readonly origin: string | undefined;
  readonly statusLine: string;
}

/** Listens on 127.0.0.1; `origin` names it as `host`, which Chromium resolves to 127.0.0.1 too. */
async function listen(listener: express.Express, host: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
}

/** Records the status line the server writes first on each upgrade's socket (a 101, or a refusal). */
function recordAnswers(server: Server, answers: Answer[]): void {
  server.prependListener('upgrade', (req: IncomingMessage, socket: Duplex) => {
    let recorded = false;
    const record = (chunk: unknown): void => {
      if (recorded || chunk === undefined || typeof chunk === 'function') return;
      recorded = true;
      answers.push({ origin: req.headers.origin, statusLine: String(chunk).split('\r\n')[0] });
    };
    // ws answers with write(), a refusal with end(): both pass through here first.
    const target = socket as unknown as Record<'write' | 'end', (chunk: unknown, ...rest: unknown[]) => unknown>;
    for (const method of ['write', 'end'] as const) {
      const original = target[method].bind(socket);
      target[method] = (chunk: unknown, ...rest: unknown[]) => {
        record(chunk);
        return original(chunk, ...rest);
      };
    }
  });
}

/** A page that opens the demo's WebSocket and writes what happened into #result. */
function probeApp(target: string): express.Express {
  const app = express();
  app.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html><html><body><p id="result">pending</p>
<script>
const result = document.getElementById('result');
const socket = new WebSocket(${JSON.stringify(`${target.replace(/^http/, 'ws')}/ws`)});
socket.onmessage = (event) => { result.textContent = 'message ' + event.data; };
socket.onclose = (event) => { if (result.textContent === 'pending') result.textContent = 'closed ' + event.code; };
</script></body></html>`);
  });
  return app;
}

describeWithTool(CHROMIUM, 'the demo\'s WebSocket in headless Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let demo: { server: Server; origin: string };
  // Another port of 127.0.0.1 is the same site (the cookie goes along) but another origin;
  // cross-site.test (served on 127.0.0.1) is another site altogether.
  let sameSiteOtherOrigin: { server: Server; origin: string };
  let crossSite: { server: Server; origin: string };
  const answers: Answer[] = [];

  beforeAll(async () => {
    const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, apiKey: 'test-api-key' });
    demo = await listen(app, '127.0.0.1');
    recordAnswers(demo.server, answers);
    demo.server.on('upgrade', demoUpgrades(app).upgrade);
    sameSiteOtherOrigin = await listen(probeApp(demo.origin), '127.0.0.1');
    crossSite = await listen(probeApp(demo.origin), CROSS_SITE_HOST);
    browser = await launchBrowser();
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${demo.origin}/login?next=/profile`);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'alice-password');
    await page.click('#sign-in');
    await page.waitForURL(`${demo.origin}/profile`);
    await page.close();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    for (const { server } of [demo, sameSiteOtherOrigin, crossSite]) {
      if (server !== undefined) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  }, TIMEOUT_MS);

  beforeEach(() => {
    answers.splice(0);
  });

  it('opens the WebSocket of the profile page with the session cookie, and greets alice', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${demo.origin}/profile`);
      await page.waitForFunction(() => document.getElementById('live')?.textContent?.includes('connected as') === true);
      expect(await page.textContent('#live')).toBe('Live: connected as alice (authenticated read)');
      expect(answers).toEqual([{ origin: demo.origin, statusLine: 'HTTP/1.1 101 Switching Protocols' }]);
    } finally {
      await page.close();
    }
  }, TIMEOUT_MS);

  it('refuses with 403 the cookie-carrying handshake of a page of another origin on the same site', async () => {
    const page = await context.newPage();
    try {
      await page.goto(sameSiteOtherOrigin.origin);
      await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'pending');
      expect(await page.textContent('#result')).toBe('closed 1006');
      expect(answers).toEqual([{ origin: sameSiteOtherOrigin.origin, statusLine: 'HTTP/1.1 403 Forbidden' }]);
    } finally {
      await page.close();
    }
  }, TIMEOUT_MS);

  it('never opens the WebSocket for a page of another site', async () => {
    const page = await context.newPage();
    try {
      await page.goto(crossSite.origin);
      await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'pending');
      expect(await page.textContent('#result')).toBe('closed 1006');
      expect(answers).toHaveLength(1);
      expect(answers[0].origin).toBe(crossSite.origin);
      // 403 when the browser sent the cookie along, 401 when SameSite kept it home: never a 101.
      expect(['HTTP/1.1 403 Forbidden', 'HTTP/1.1 401 Unauthorized']).toContain(answers[0].statusLine);
    } finally {
      await page.close();
    }
  }, TIMEOUT_MS);
});
