import type { ApolloServerPlugin } from '@apollo/server';

// Self-contained on purpose: Apollo's default landing pages load Sandbox/Explorer from a CDN, which
// leaks who browses the API and breaks where the CDN is unreachable.
const page = (url: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PDN network API</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
  pre { background: #f3f4f7; padding: 1rem; overflow-x: auto; border-radius: 6px; }
  code { font-family: ui-monospace, monospace; font-size: 0.9em; }
</style>
</head>
<body>
<h1>PDN network API</h1>
<p>This is the GraphQL endpoint of the Promeneurs du Net network. Send queries and mutations with
<code>POST</code> and a JSON body; queries may also use <code>GET</code> with an
<code>apollo-require-preflight: true</code> header.</p>
<pre><code>curl -s ${escapeHtml(url)} \\
  -H 'content-type: application/json' \\
  -d '{"query":"{ me { displayName } }"}'</code></pre>
<p>Members authenticate with <code>Authorization: Bearer &lt;access token&gt;</code> (from the
<code>login</code> mutation); partner applications with <code>X-API-Key</code>. Subscriptions use the
graphql-ws protocol on this same path.</p>
</body>
</html>
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `url` is read per request: the gateway knows its address only once it listens. */
export function landingPagePlugin(url: () => string): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: async () => page(url()) };
        },
      };
    },
  };
}
