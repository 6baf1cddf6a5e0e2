import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt install chromium`, which .ci/run does); ROSTER_TEST_CHROMIUM names another. */
const CHROMIUM = process.env.ROSTER_TEST_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Headless Chromium; `--no-sandbox` because CI runs as root, where Chromium's sandbox cannot start. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh browser profile (its own cookies) at a laptop's screen size, allowed to use the clipboard. */
export async function laptopContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  // Pages here answer in milliseconds: a step that waits longer has failed, and should say so before the test's limit.
  context.setDefaultTimeout(10_000);
  return context;
}

/** Saves the page as `docs/screenshots/{name}.png`, the pictures the README shows. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: options.fullPage ?? false });
}
