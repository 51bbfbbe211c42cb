// Debian's chromium driven by playwright-core: headless, with the switches
// that keep it off the network, and a fresh profile per run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['COFFER_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no browser at ${CHROMIUM} (apt-get install chromium; scripts/ensure-services.sh does it)`;
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen so far; a page must produce none. */
  problems: string[];
  close(): Promise<void>;
}

/** A persistent context on a throwaway --user-data-dir (so no profile is shared between runs). */
export async function openBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'coffer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (msg) => {
    // API errors (400, 403, 404…) are answers the page handles and shows; Chromium logs each as a failed resource.
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of \d+/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser, Page };

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page and returns its serious and critical violations.
 * The script is evaluated through the DevTools protocol, so the page's CSP
 * (no inline scripts) stays in force for everything else.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // Evaluated as text: these tests are compiled without the DOM's types.
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** What the page keeps in its storages under the token key: sessionStorage only, never localStorage. */
export function storedToken(page: Page, storage: 'sessionStorage' | 'localStorage'): Promise<string | null> {
  return page.evaluate<string | null>(`${storage}.getItem('coffer.token')`);
}

/** The label text of the focused form control ('' when none). */
export function focusedLabel(page: Page): Promise<string> {
  return page.evaluate<string>(`document.activeElement?.labels?.[0]?.textContent ?? ''`);
}
