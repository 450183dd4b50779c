import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page, Request } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { CHROMIUM, describeWithTool } from '../helpers/system-tool';
import { buildDemoWithOpenApi } from './demo-with-openapi';

const TIMEOUT_MS = 90_000;

describeWithTool(CHROMIUM, 'demo app Swagger UI in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let page: Page;
  const tokenRequests: Request[] = [];

  beforeAll(async () => {
    server = createServer(buildDemoWithOpenApi(Date.now));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/token') tokenRequests.push(req);
    });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }, TIMEOUT_MS);

  it('loads the document and lists the demo\'s operations', async () => {
    await page.goto(`${origin}/docs`);
    expect(new URL(page.url()).pathname).toBe('/docs/');
    await page.locator('#operations-default-get_me').waitFor();
    expect(await page.locator('.opblock').count()).toBe(7);
  }, TIMEOUT_MS);

  it('logs in with "Authorize" and the password flow against POST /token', async () => {
    await page.locator('button.authorize').first().click();
    const oauth2 = page.locator('.auth-container').filter({ hasText: 'oauth2' });
    await oauth2.locator('#oauth_username').fill('alice');
    await oauth2.locator('#oauth_password').fill('alice-password');
    await oauth2.locator('button.authorize').click();
    await oauth2.locator('button', { hasText: 'Logout' }).waitFor();
    await page.locator('button.btn-done').first().click();

    expect(tokenRequests).toHaveLength(1);
    const body = new URLSearchParams(tokenRequests[0].postData() ?? '');
    expect(body.get('grant_type')).toBe('password');
    expect(body.get('username')).toBe('alice');
    expect(tokenRequests[0].headers()['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  }, TIMEOUT_MS);

  it('calls GET /me with the token it got, and shows the answer', async () => {
    const operation = page.locator('#operations-default-get_me');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    const answer = page.waitForResponse((res) => new URL(res.url()).pathname === '/me');
    await operation.locator('button.execute').click();
    const response = await answer;
    expect(response.status()).toBe(200);
    expect(response.request().headers().authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await response.json()).toEqual({ username: 'alice', identity: 'alice', scopes: ['authenticated', 'read'] });
    const shown = operation.locator('.live-responses-table tr.response');
    await shown.waitFor();
    expect(await shown.locator('.response-col_status').textContent()).toBe('200');
    expect(await shown.locator('.response-col_description').textContent()).toContain('"identity": "alice"');
  }, TIMEOUT_MS);
});
