import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDemoApp } from '../../demo-app/app';
import { CROSS_SITE_HOST, launchBrowser } from '../helpers/browser';
import { CHROMIUM, describeWithTool } from '../helpers/system-tool';
import { SECRET } from '../helpers/tokens';

const TIMEOUT_MS = 60_000;

/** Listens on 127.0.0.1; `origin` names it as `host`, which Chromium resolves to 127.0.0.1 too. */
async function listen(app: express.Express, host: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://${host}:${(server.address() as AddressInfo).port}` };
}

/** A page on another origin that POSTs a note to the demo as soon as it loads. */
function attackerApp(target: string): express.Express {
  const app = express();
  app.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html><html><body>
<form id="forged" method="post" action="${target}/notes"><input name="note" value="forged"></form>
<script>document.getElementById('forged').submit();</script>
</body></html>`);
  });
  return app;
}

describeWithTool(CHROMIUM, 'demo app browser flow in headless Chromium', () => {
  let browser: Browser;
  let demo: { server: Server; origin: string };
  // cross-site.test (served on 127.0.0.1) is another site than 127.0.0.1 (SameSite=Lax keeps the cookie home); another
  // port of 127.0.0.1 is the same site but another origin (the cookie goes, the origin check stops it).
  let crossSite: { server: Server; origin: string };
  let sameSiteOtherOrigin: { server: Server; origin: string };
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    demo = await listen(createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, apiKey: 'test-api-key' }), '127.0.0.1');
    crossSite = await listen(attackerApp(demo.origin), CROSS_SITE_HOST);
    sameSiteOtherOrigin = await listen(attackerApp(demo.origin), '127.0.0.1');
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    for (const { server } of [demo, crossSite, sameSiteOtherOrigin]) {
      if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    }
  }, TIMEOUT_MS);

  async function forgedPostStatus(attackerOrigin: string): Promise<number> {
    const forged = await context.newPage();
    try {
      const response = forged.waitForResponse((res) => res.url() === `${demo.origin}/notes`);
      await forged.goto(attackerOrigin);
      return (await response).status();
    } finally {
      await forged.close();
    }
  }

  it('sends an anonymous visitor of the profile page to the login page', async () => {
    await page.goto(`${demo.origin}/profile`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/profile');
  }, TIMEOUT_MS);

  it('refuses a wrong password on the login page', async () => {
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'wrong');
    await page.click('#sign-in');
    expect(await page.textContent('#error')).toBe('Unknown user or wrong password.');
  }, TIMEOUT_MS);

  it('logs in with an HttpOnly cookie that page script cannot read, and shows who you are', async () => {
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'alice-password');
    await page.click('#sign-in');
    expect(new URL(page.url()).pathname).toBe('/profile');
    expect(await page.textContent('#who')).toBe('Signed in as alice');

    const [cookie] = (await context.cookies(demo.origin)).filter((c) => c.name === 'token');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.value.split('.')).toHaveLength(3);
    expect(await page.evaluate(() => document.cookie)).not.toContain(cookie.value);
  }, TIMEOUT_MS);

  it('accepts a note posted from the profile page itself', async () => {
    await page.fill('input[name=note]', 'hello');
    await page.click('#save-note');
    expect(await page.textContent('#saved')).toBe('Saved a note for alice: hello');
    await page.goto(`${demo.origin}/profile`);
  }, TIMEOUT_MS);

  it('refuses a form POST from another site, to which the SameSite cookie is not sent', async () => {
    expect(await forgedPostStatus(crossSite.origin)).toBe(401);
  }, TIMEOUT_MS);

  it('refuses a form POST from another origin of the same site with 403, by the origin check', async () => {
    expect(await forgedPostStatus(sameSiteOtherOrigin.origin)).toBe(403);
  }, TIMEOUT_MS);

  it('ends access on logout', async () => {
    await page.goto(`${demo.origin}/profile`);
    await page.click('#sign-out');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await context.cookies(demo.origin)).filter((c) => c.name === 'token')).toEqual([]);
    await page.goto(`${demo.origin}/profile`);
    expect(new URL(page.url()).pathname).toBe('/login');
  }, TIMEOUT_MS);
});
