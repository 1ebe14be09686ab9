// Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own).
import { chromium } from 'playwright-core';
import { mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A fresh headless Chromium. `bypassCSP` is for the accessibility audit's context only: it lets the test inject axe-core
 * into pages whose Content-Security-Policy (script-src 'self') would refuse it; the app's own pages run with CSP on.
 */
export async function launch({ bypassCSP = false } = {}) {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (scripts/test.sh does this as root)`);
  const profile = await mkdtemp(path.join(tmpdir(), 'bn-chromium-'));
  // A persistent context is how playwright passes --user-data-dir: a fresh profile for every run.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    acceptDownloads: true,
    bypassCSP,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { context, profile };
}
