// Accessibility audit with axe-core (npm, pinned in package-lock.json). The app's CSP (script-src 'self') refuses an
// injected script, so the audit runs in its own browser context with CSP bypassed (browser.mjs launch({ bypassCSP })).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0 and 2.1, levels A and AA: the rules axe tags with these. */
export const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page as it is now; returns the violations in a form an assertion message can show. */
export async function audit(page) {
  if (!await page.evaluate(() => typeof window.axe === 'object')) await page.addScriptTag({ content: source });
  return page.evaluate(async tags => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary}`) }));
  }, wcag21aa);
}
