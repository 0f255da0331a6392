import express, { type Request, type RequestHandler, Router } from 'express';
import type { Logger } from '@pdn/logging';
import { readConsoleAssets, type ConsoleAssets } from './console-assets.js';
import { ASSETS_PATH, consoleMissingPage, consolePage, PAGE_HEADERS } from './console-page.js';

export interface ConsoleRoutesOptions {
  logger: Logger;
  /** The built bundle; read from gateway/dist/console-assets when absent. */
  assets?: ConsoleAssets | null;
}

export interface ConsoleRoutes {
  /** `GET /console` and `GET /console/assets/<hashed file>`. */
  router: Router;
  /** For `/graphql`: a browser's navigation (GET preferring HTML) gets the console; anything else goes on to GraphQL. */
  forBrowsers: RequestHandler;
}

/** A browser navigating to the URL, as opposed to a GraphQL client (which accepts JSON first, or anything). */
export function wantsHtml(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html'
  );
}

const ASSET_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
};

export function consoleRoutes({ logger, assets = readConsoleAssets() }: ConsoleRoutesOptions): ConsoleRoutes {
  if (!assets) logger.warn('the console is not built (gateway/dist/console-assets): /console explains how to build it');
  const html = assets ? consolePage(assets) : consoleMissingPage();
  const status = assets ? 200 : 503;
  const sendPage: RequestHandler = (_req, res) => {
    res.status(status).set(PAGE_HEADERS).type('html').send(html);
  };

  const router = Router();
  router.get('/console', sendPage);
  if (assets) {
    const files = new Set([assets.script, assets.stylesheet, `${assets.script}.map`, `${assets.stylesheet}.map`, `${assets.script}.LEGAL.txt`]);
    router.use(
      ASSETS_PATH,
      (req, _res, next) => (files.has(req.path.slice(1)) ? next() : next('router')),
      express.static(assets.dir, {
        index: false,
        dotfiles: 'deny',
        // Names carry a content hash: a new build gets new names.
        immutable: true,
        maxAge: '365d',
        setHeaders: (res) => res.set(ASSET_HEADERS),
      }),
    );
  }

  return {
    router,
    forBrowsers: (req, res, next) => (wantsHtml(req) ? sendPage(req, res, next) : next()),
  };
}
