import { Router } from 'express';
import type { SessionRevocationsStatus } from './session-revocations.js';
import type { SubgraphEndpoint } from './supergraph.js';

const PROBE_TIMEOUT_MS = 2000;

/** A subgraph's own readiness endpoint: same origin as its GraphQL URL, path /readyz. */
export function readinessUrl(graphqlUrl: string): string {
  return new URL('/readyz', graphqlUrl).href;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * `/healthz` says the process runs (restart it if not); `/readyz` says it can serve (route traffic to it
 * if so), which needs every subgraph. The body names subgraphs only, not their internal addresses.
 * It also tells how the following of members' log of ended sessions goes (`sessionRevocations`):
 * for information only, a gateway serves without it.
 */
export function healthRouter(subgraphs: SubgraphEndpoint[], followers: { sessionRevocations?: { status(): SessionRevocationsStatus } } = {}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      subgraphs.map(async ({ name, url }) => ({ name, up: await isReady(readinessUrl(url)) })),
    );
    const ready = results.every((result) => result.up);
    res
      .status(ready ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({
        status: ready ? 'ok' : 'unavailable',
        subgraphs: results,
        ...(followers.sessionRevocations ? { sessionRevocations: followers.sessionRevocations.status() } : {}),
      });
  });
  return router;
}
