import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, toolPath } from './system-tool';

/**
 * Debian's Chromium (`apt-get install chromium chromium-driver`; CI does), or the path in
 * `SYSTEM_TOOL_CHROMIUM`. Playwright's own browser download is never used: the test machine has
 * no network beyond loopback. Suites that launch it are declared with
 * `describeWithTool(CHROMIUM, ...)`, which skips them when it is missing (fails them under CI).
 */
export const SYSTEM_CHROMIUM = toolPath(CHROMIUM);

const INSTALL_HINT = `Install it with \`apt-get install ${CHROMIUM.packages.join(' ')}\` (CI does).`;

/**
 * Flags for a headless Chromium on a machine whose only network is loopback.
 *
 * `--no-sandbox`: the tests run as root, where Chromium refuses to start sandboxed.
 * `--disable-gpu`: there is no GPU; software rendering is enough for a login page.
 * The rest stop Chromium's own traffic (QUIC probes, component and variation updates, sync),
 * which otherwise floods the log with refused connections and slows the first navigation.
 * `--host-resolver-rules` sends {@link CROSS_SITE_HOST} to 127.0.0.1, and nothing else anywhere.
 */
/**
 * A host name that Chromium resolves to 127.0.0.1 (see {@link CHROMIUM_ARGS}): a page served on
 * 127.0.0.1 but opened as `http://cross-site.test:<port>` is another site than `127.0.0.1`, so
 * tests can play a cross-site attacker while every server listens on 127.0.0.1 only.
 */
export const CROSS_SITE_HOST = 'cross-site.test';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  `--host-resolver-rules=MAP ${CROSS_SITE_HOST} 127.0.0.1`,
];

/**
 * Launches the system Chromium, headless, for an end-to-end test.
 *
 * Each launch gets a fresh temporary profile (user-data-dir), which Playwright creates and
 * deletes on `browser.close()`. Open a new `browser.newContext()` per test so that cookies and
 * storage never leak between tests, and close the browser in `afterAll` or a `finally`.
 *
 * @throws Error, with the install command in its message, when {@link SYSTEM_CHROMIUM} is
 * missing (a suite declared with `describeWithTool(CHROMIUM, ...)` never gets that far).
 *
 * @example
 * ```ts
 * const browser = await launchBrowser();
 * try {
 *   const context = await browser.newContext();
 *   const page = await context.newPage();
 *   await page.goto(`${baseUrl}/login`);
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(SYSTEM_CHROMIUM)) {
    throw new Error(`${SYSTEM_CHROMIUM} does not exist. ${INSTALL_HINT}`);
  }
  return chromium.launch({
    executablePath: SYSTEM_CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}
