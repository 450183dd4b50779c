import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { CHROMIUM, describeWithTool } from '../helpers/system-tool';

// Launching Chromium takes a few seconds on a cold machine; jest's 30 s default is too tight.
const TIMEOUT_MS = 60_000;

// The script runs in the browser: it adds a cookie of its own, then shows what it can read.
const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>Browser smoke test</title></head>
  <body>
    <h1 id="greeting">Served by Express</h1>
    <p id="cookies"></p>
    <script>
      document.cookie = 'from_script=written-by-js; path=/';
      document.getElementById('greeting').textContent = 'Hello from the page script';
      document.getElementById('cookies').textContent = document.cookie;
    </script>
  </body>
</html>`;

function smokeApp(): express.Express {
  const app = express();
  app.get('/', (_req, res) => {
    res.cookie('session', 'httponly-value', { httpOnly: true, sameSite: 'lax', path: '/' });
    res.cookie('theme', 'dark', { sameSite: 'lax', path: '/' });
    res.type('html').send(PAGE);
  });
  return app;
}

/** Listens on an ephemeral loopback port; nothing here ever leaves 127.0.0.1. */
async function listen(app: express.Express): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

async function close(server: Server): Promise<void> {
  // Chromium may still hold keep-alive sockets, which would keep server.close() waiting.
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

describeWithTool(CHROMIUM, 'headless Chromium (end-to-end smoke test)', () => {
  let server: Server | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    ({ server, baseUrl } = await listen(smokeApp()));
    browser = await launchBrowser();
  }, TIMEOUT_MS);

  beforeEach(async () => {
    if (browser === undefined) throw new Error('Chromium did not start; see the beforeAll error.');
    // A fresh context per test, so that no cookie carries over from one test to the next.
    context = await browser.newContext();
    page = await context.newPage();
  }, TIMEOUT_MS);

  afterEach(async () => {
    await page?.close();
    await context?.close();
    page = undefined;
    context = undefined;
  }, TIMEOUT_MS);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      if (server !== undefined) await close(server);
    }
  }, TIMEOUT_MS);

  function openedPage(): Page {
    if (page === undefined) throw new Error('beforeEach did not open a page.');
    return page;
  }

  it('runs the page script and shows the text it writes', async () => {
    const current = openedPage();
    await current.goto(`${baseUrl}/`);

    expect(await current.locator('#greeting').textContent()).toBe('Hello from the page script');
  }, TIMEOUT_MS);

  it('hides the HttpOnly cookie from document.cookie but shows the plain and script-set ones', async () => {
    const current = openedPage();
    await current.goto(`${baseUrl}/`);

    const visible = (await current.locator('#cookies').textContent()) ?? '';
    const names = visible.split('; ').map((pair) => pair.split('=')[0]).sort();
    expect(names).toEqual(['from_script', 'theme']);
    expect(visible).not.toContain('httponly-value');

    // The browser did store the HttpOnly cookie: it is missing from document.cookie only
    // because scripts may not read it.
    const stored = await context?.cookies(baseUrl);
    expect(stored?.find((cookie) => cookie.name === 'session')).toMatchObject({
      value: 'httponly-value',
      httpOnly: true,
    });
    expect(stored?.find((cookie) => cookie.name === 'theme')).toMatchObject({ value: 'dark', httpOnly: false });
  }, TIMEOUT_MS);
});
