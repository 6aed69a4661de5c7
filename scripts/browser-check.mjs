// Real-browser check of the Neo4j Browser served by the dev server: headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core) opens http://127.0.0.1:7474/browser/, connects over
// Bolt (auth off), applies queries/style.grass, runs one kit query and saves a screenshot.
//   node scripts/browser-check.mjs [query file] [screenshot path]
// Needs `npm install playwright-core` (NODE_PATH may point at its node_modules) and a running
// `scripts/neo4j-dev` with an exported graph. Exit 1 when any step fails.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const http = process.env.NEO4J_DEV_HTTP_PORT || '7474';
const bolt = process.env.NEO4J_DEV_BOLT_PORT || '7687';
const queryFile = process.argv[2] || 'queries/11-leader-ego.cypher';
const shot = process.argv[3] || 'docs/img/neo4j-browser.png';
const strip = (t) => t.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n').trim();
const grass = readFileSync('queries/style.grass', 'utf8');

// A fresh profile (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'kolgraph-chromium-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const fail = async (msg) => { console.error(`browser-check: ${msg}`); await browser.close(); process.exit(1); };
try {
  const page = browser.pages()[0] || (await browser.newPage());
  const url = `http://127.0.0.1:${http}/browser/?dbms=bolt://127.0.0.1:${bolt}&preselectAuthMethod=NO_AUTH`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  // With auth off the Browser usually connects by itself; otherwise press its Connect button.
  const connected = page.getByText(/Connected to Neo4j|You are connected/i).first();
  const connect = page.locator('button[data-testid="connect"]');
  await Promise.race([connected.waitFor({ timeout: 90000 }), connect.waitFor({ timeout: 90000 })]);
  if (await connect.isVisible()) {
    await connect.click();
    await connected.waitFor({ timeout: 60000 });
  }
  const run = async (cmd) => {
    const editor = page.locator('.monaco-editor').first();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(cmd);
    await page.keyboard.press('Control+Enter');
    await page.waitForTimeout(1500);
  };
  await run(`:style ${grass.replace(/\s+/g, ' ')}`);
  for (const line of readFileSync('queries/params.cypher', 'utf8').split('\n')) {
    if (line.startsWith(':param ')) await run(line);
  }
  await run(strip(readFileSync(queryFile, 'utf8')));
  // A graph frame draws an SVG with node circles.
  await page.locator('svg g.node').first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(4000); // let the force layout settle
  await page.screenshot({ path: shot });
  console.log(`browser-check: ok, screenshot ${shot}`);
} catch (e) {
  await browser.pages()[0]?.screenshot({ path: '/tmp/browser-check-failure.png' }).catch(() => {});
  await fail(String(e));
}
await browser.close();
