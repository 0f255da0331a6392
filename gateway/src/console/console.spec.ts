import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { composeTestSupergraph, startTestSubgraphs, testGatewayEnv, type TestSubgraph } from '../../test/test-subgraphs.js';
import { createGateway, type RunningGateway } from '../create-gateway.js';
import { loadGatewayConfig } from '../gateway.config.js';
import { type ConsoleAssets, readConsoleAssets } from './console-assets.js';
import { CONSOLE_CSP } from './console-page.js';

const SIGNING_KEY = 'test-identity-signing-key-0123456789abcdef';
/** What Chromium sends when one types the URL in the address bar. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

let members: TestSubgraph;
let calendar: TestSubgraph;
let supergraphSdl: string;
let gateway: RunningGateway;
let origin: string;
let assets: ConsoleAssets;

const url = (path: string) => new URL(path, origin).href;

async function startGateway(consoleAssets?: ConsoleAssets | null) {
  const config = loadGatewayConfig({
    ...testGatewayEnv(SIGNING_KEY, members, calendar),
  });
  return createGateway(config, { supergraphSdl, consoleAssets });
}

/** Every URL the page makes the browser load: script src, link href, img src… */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
}

beforeAll(async () => {
  const built = readConsoleAssets();
  if (!built) throw new Error('gateway/dist/console-assets is missing: run `npm run build` first');
  assets = built;
  ({ members, calendar } = await startTestSubgraphs(SIGNING_KEY));
  supergraphSdl = composeTestSupergraph([members, calendar]);
  gateway = await startGateway();
  origin = new URL(gateway.url).origin;
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([members?.dispose(), calendar?.dispose()]);
});

describe('the console page', () => {
  it.each(['/console', '/graphql'])('should serve the console to a browser at %s, with strict headers', async (path) => {
    const response = await fetch(url(path), { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('<div id="console"></div>');
    // An empty data: icon spares the browser a request for /favicon.ico.
    expect(referencedUrls(html).sort()).toEqual([`/console/assets/${assets.script}`, `/console/assets/${assets.stylesheet}`, 'data:,'].sort());
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/i); // no inline script
    expect(html).not.toMatch(/<style|\sstyle=/i); // no inline style
  });

  it('should keep the CSP to this origin: no inline script, no other origin', () => {
    expect(CONSOLE_CSP).toMatch(/default-src 'none'/);
    expect(CONSOLE_CSP).toMatch(/script-src 'self'(;|$)/);
    expect(CONSOLE_CSP).toMatch(/connect-src 'self'(;|$)/);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-|https?:|\*/);
  });

  it('should still serve GraphQL at /graphql to clients that are not browsers', async () => {
    const posted = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ member(id: "m-1") { displayName } }' }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ data: { member: { displayName: 'Member m-1' } } });

    for (const accept of ['application/json', 'application/graphql-response+json, application/json;q=0.9', '*/*']) {
      const query = new URL(gateway.url);
      query.searchParams.set('query', '{ member(id: "m-1") { displayName } }');
      const got = await fetch(query, { headers: { accept, 'apollo-require-preflight': 'true' } });
      expect(got.headers.get('content-type')).toMatch(/json/);
      expect(await got.json()).toEqual({ data: { member: { displayName: 'Member m-1' } } });
    }
  });
});

describe('the console assets', () => {
  it('should serve the script and stylesheet with their content types, cached for good', async () => {
    const script = await fetch(url(`/console/assets/${assets.script}`));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const stylesheet = await fetch(url(`/console/assets/${assets.stylesheet}`));
    expect(stylesheet.status).toBe(200);
    expect(stylesheet.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    expect(await stylesheet.text()).toMatch(/\.graphiql-container/);
  });

  it('should serve nothing else from the assets folder', async () => {
    for (const path of ['/console/assets/manifest.json', '/console/assets/nope.js', '/console/assets/', '/console/assets/..%2f..%2fpackage.json']) {
      const response = await fetch(url(path));
      expect(response.status).toBe(404);
    }
  });

  it('should load nothing from another origin: every reference is to this gateway or inline data', async () => {
    const script = await (await fetch(url(`/console/assets/${assets.script}`))).text();
    const stylesheet = await (await fetch(url(`/console/assets/${assets.stylesheet}`))).text();

    // Source maps are fetched by developer tools from the same folder.
    for (const [text, file] of [
      [script, assets.script],
      [stylesheet, assets.stylesheet],
    ]) {
      const maps = [...text.matchAll(/sourceMappingURL=(\S+?)(?:\s|\*\/|$)/g)].map((m) => m[1]);
      expect(maps).toEqual([`${file}.map`]);
      expect((await fetch(url(`/console/assets/${maps[0]}`))).status).toBe(200);
    }
    // CSS: fonts and images are inlined as data: URLs; no @import.
    const cssUrls = [...stylesheet.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]);
    expect(cssUrls.length).toBeGreaterThan(0);
    expect(cssUrls.filter((u) => !u.startsWith('data:') && !u.startsWith('#'))).toEqual([]);
    expect(stylesheet).not.toMatch(/@import/);
    // JS: one self-contained module: no import statement or import(), no worker or script from a URL,
    // no known CDN host (matches listed, not the whole bundle, when this fails).
    const matches = (pattern: RegExp) => [...script.matchAll(pattern)].map((m) => script.slice(Math.max(0, m.index - 40), m.index + 60));
    expect(matches(/(?:^|[;\n}])\s*import\s*[\w{*"'`]/g)).toEqual([]);
    expect(matches(/\bimport\s*\(/g)).toEqual([]);
    expect(matches(/importScripts|new Worker\(|new SharedWorker\(/g)).toEqual([]);
    expect(matches(/unpkg\.com|jsdelivr|cdnjs|esm\.sh|fonts\.googleapis|fonts\.gstatic|googletagmanager/g)).toEqual([]);
  });
});

describe('without a built console', () => {
  it('should say how to build it instead of a blank page', async () => {
    const unbuilt = await startGateway(null);
    try {
      const response = await fetch(new URL('/console', unbuilt.url), { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(503);
      const html = await response.text();
      expect(html).toContain('npm run build');
      expect(html).not.toMatch(/<script/);
      expect((await fetch(new URL(`/console/assets/${assets.script}`, unbuilt.url))).status).toBe(404);
    } finally {
      await unbuilt.stop();
    }
  });
});
