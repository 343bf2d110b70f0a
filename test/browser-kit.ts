/**
 * A real browser for the dashboard tests: Debian's chromium driven by puppeteer-core (no browser download), headless
 * with WebGL on SwiftShader, a fresh profile per run, and every request the page makes recorded so a test can
 * assert that none left this machine. Screenshots go to runs/dashboard-e2e/<time>/ (ignored by git).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';

export const SCREENSHOT_DIR = resolve(
  __dirname,
  '..',
  'runs',
  'dashboard-e2e',
  new Date().toISOString().replace(/[:.]/g, '-'),
);

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebGL 2 (NiiVue) on the CPU: ANGLE over SwiftShader.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  // Belt and braces: a host other than this machine does not resolve, so a stray request fails instead of leaving.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

/** FEDSTROKE_CHROMIUM, or Debian's chromium (.ci/run installs it when missing). */
export function chromiumPath(): string {
  const candidates = [process.env.FEDSTROKE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'no chromium found: install Debian\'s "chromium" package (apt-get install chromium; .ci/run does it) or set FEDSTROKE_CHROMIUM',
    );
  }
}

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'fedstroke-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir,
    args: FLAGS,
    defaultViewport: { width: 1360, height: 900 },
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What a page asked for, and what went wrong in it. */
export class PageLog {
  readonly requests: Array<{ method: string; url: string }> = [];
  readonly pageErrors: string[] = [];
  readonly cspViolations: string[] = [];

  constructor(page: Page) {
    page.on('request', (request) => this.requests.push({ method: request.method(), url: request.url() }));
    page.on('pageerror', (error) => this.pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) this.cspViolations.push(message.text());
    });
  }

  /** Requests to anything but this machine (data: and blob: URLs never leave the page). */
  foreign(): string[] {
    return this.requests
      .map((r) => r.url)
      .filter((url) => !/^(data|blob):/.test(url))
      .filter((url) => !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname));
  }

  graphqlPosts(): number {
    return this.requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/graphql').length;
  }
}

export interface DashboardPage {
  context: BrowserContext;
  page: Page;
  log: PageLog;
}

/** A fresh browser context (its own sessionStorage) on the dashboard, signed in with `token` when given. */
export async function openDashboard(browser: Browser, url: string, token?: string): Promise<DashboardPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const log = new PageLog(page);
  await page.goto(`${url}/dashboard/`, { waitUntil: 'load' });
  if (token !== undefined) await signIn(page, token);
  return { context, page, log };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.waitForSelector('#token');
  await page.type('#token', token);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#role, [role=alert]');
}

/** The whole page, or its top `topPixels`, as runs/dashboard-e2e/<time>/<name>.png. */
export async function screenshot(page: Page, name: string, topPixels?: number): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  const width = page.viewport()?.width ?? 1360;
  await page.screenshot({
    path: file as `${string}.png`,
    ...(topPixels
      ? { clip: { x: 0, y: 0, width, height: topPixels }, captureBeyondViewport: true }
      : { fullPage: true }),
  });
  return file;
}

/** Lets the pages of `context` save downloads into `dir` (headless chromium refuses them by default). */
export async function allowDownloads(browser: Browser, context: BrowserContext, dir: string): Promise<void> {
  const session = await browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', {
    behavior: 'allow',
    downloadPath: dir,
    browserContextId: context.id,
  });
}

/** Controls without a label and buttons without a name: what a screen reader could not announce. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document;
    type Control = { outerHTML: string; textContent: string | null; labels?: ArrayLike<unknown> | null } & {
      getAttribute(name: string): string | null;
    };
    const missing: string[] = [];
    for (const control of Array.from(doc.querySelectorAll('input, select, textarea')) as Control[]) {
      if (!(control.labels && control.labels.length > 0) && !control.getAttribute('aria-label')) {
        missing.push(control.outerHTML.slice(0, 80));
      }
    }
    for (const button of Array.from(doc.querySelectorAll('button, a[href]')) as Control[]) {
      if (!button.textContent?.trim() && !button.getAttribute('aria-label'))
        missing.push(button.outerHTML.slice(0, 80));
    }
    return missing;
  });
}

/** Pixels of a PNG for which `match(r, g, b)` holds. */
export function countPixels(png: Uint8Array, match: (r: number, g: number, b: number) => boolean): number {
  const { data } = PNG.sync.read(Buffer.from(png));
  let count = 0;
  for (let i = 0; i < data.length; i += 4) if (match(data[i], data[i + 1], data[i + 2])) count++;
  return count;
}

/** Waits until `predicate` (run in the page) returns true. */
export function waitInPage(page: Page, predicate: string, timeoutMs: number): Promise<unknown> {
  return page.waitForFunction(predicate, { timeout: timeoutMs, polling: 200 });
}
