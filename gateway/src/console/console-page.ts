import type { ConsoleAssets } from './console-assets.js';

export const ASSETS_PATH = '/console/assets';

/**
 * The page loads its script and stylesheet from this gateway and connects only to it (HTTP and
 * WebSocket): no inline script or style, no other origin. The sign-in form can never be submitted
 * as such (form-action 'none'), so a password never ends up in a URL even if the script fails.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const shell = (head: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>PDN network console</title>
${head}
</head>
<body>
${body}
</body>
</html>
`;

export function consolePage(assets: ConsoleAssets): string {
  return shell(
    `<link rel="stylesheet" href="${ASSETS_PATH}/${assets.stylesheet}">
<script type="module" src="${ASSETS_PATH}/${assets.script}"></script>`,
    `<div id="console"></div>
<noscript>The console needs JavaScript. GraphQL clients send queries to <code>POST /graphql</code>.</noscript>`,
  );
}

/** When the bundle was not built: say how to build it rather than serving a blank page. */
export function consoleMissingPage(): string {
  return shell(
    '',
    `<h1>PDN network console</h1>
<p>The console is not built on this server: run <code>npm run build</code> (it writes
<code>gateway/dist/console-assets/</code>), then restart the gateway. GraphQL clients send queries to
<code>POST /graphql</code>.</p>`,
  );
}
