import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDemoApp, demoReady } from '../../demo-app/app';
import { launchBrowser } from '../helpers/browser';
import { CHROMIUM, describeWithTool } from '../helpers/system-tool';
import { SECRET } from '../helpers/tokens';

const TIMEOUT_MS = 60_000;
// Access tokens of four seconds: the page refreshes after about two and a half.
const LIFETIME_SEC = 4;

describeWithTool(CHROMIUM, 'the demo\'s silent refresh in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, apiKey: 'test-api-key', tokenLifetimeSec: LIFETIME_SEC });
    await demoReady(app);
    server = createServer(app);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }, TIMEOUT_MS);

  it('keeps a signed-in page signed in past its first access token\'s expiry by refreshing in the background, with the refresh token out of the page\'s reach', async () => {
    await page.goto(`${origin}/login?next=/profile`);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'alice-password');
    await page.click('#sign-in');
    await page.waitForURL(`${origin}/profile`);
    const firstSession = (await context.cookies()).find((cookie) => cookie.name === 'token')?.value;
    const refreshCookie = (await context.cookies()).find((cookie) => cookie.name === 'refresh_token');
    expect(refreshCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('refresh_token');
    const refreshed = page.waitForResponse((res) => res.url() === `${origin}/auth/refresh` && res.status() === 200, { timeout: 20_000 });
    await refreshed;
    // Two refreshes: the second one used the refresh token the first one rotated in.
    await page.waitForFunction(() => Number(document.getElementById('refreshes')?.textContent) >= 2, undefined, { timeout: 20_000 });
    const session = (await context.cookies()).find((cookie) => cookie.name === 'token')?.value;
    expect(session).not.toBe(firstSession);
    // Well past the first token's lifetime: the page still loads signed in.
    await page.goto(`${origin}/profile`);
    expect(new URL(page.url()).pathname).toBe('/profile');
    expect(await page.textContent('#who')).toContain('alice');
  }, TIMEOUT_MS);
});
