import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from '@pdn/errors';
import { IcsService, type IcsDocument } from './ics.service.js';

interface FeedHeaders {
  cacheControl: string;
  extra?: Record<string, string>;
}

function sendText(res: Response, status: number, message: string): void {
  res.status(status).set({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${message}\n`);
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  // Weak comparison (RFC 9110 §13.1.2): a cache may hand back our ETag with W/ in front.
  return ifNoneMatch.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === etag;
  });
}

/**
 * Conditional GET on the ETag only. Last-Modified is sent for information but If-Modified-Since is
 * not honoured: an event that leaves a feed (moved to another département, deleted) does not make the
 * latest change date move, so "not modified since" could hide its removal.
 */
function sendFeed(req: Request, res: Response, feed: IcsDocument, headers: FeedHeaders): void {
  res.set({ ETag: feed.etag, 'Cache-Control': headers.cacheControl, Vary: 'Accept-Encoding', ...headers.extra });
  if (feed.lastModified) res.set('Last-Modified', feed.lastModified.toUTCString());
  if (matchesEtag(req.header('if-none-match'), feed.etag)) {
    res.status(304).end();
    return;
  }
  res
    .status(200)
    .set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Length': String(Buffer.byteLength(feed.body, 'utf8')) })
    .end(feed.body);
}

/**
 * iCalendar feeds for calendar apps, which cannot send the gateway's credentials: public events, and
 * each member's registrations behind a secret URL. Outside /graphql, so no identity header is needed;
 * the gateway forwards GET /ics/* here.
 */
@Controller('ics')
export class IcsController {
  constructor(private readonly service: IcsService) {}

  @Get('events.ics')
  async publicEvents(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    let feed: IcsDocument;
    try {
      feed = await this.service.publicFeed(query);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.BAD_USER_INPUT) {
        sendText(res, 400, `Bad parameter ${error.field}: ${error.message}`);
        return;
      }
      throw error;
    }
    sendFeed(req, res, feed, { cacheControl: 'public, max-age=600', extra: { 'Content-Disposition': 'inline; filename="pdn-evenements.ics"' } });
  }

  @Get('members/:file')
  async memberEvents(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const token = file.endsWith('.ics') ? file.slice(0, -'.ics'.length) : null;
    // The request log line (written when the answer is sent) prints req.path: the secret must not reach it.
    req.url = '/ics/members/{token}.ics';
    const feed = token ? await this.service.memberFeed(token) : null;
    if (!feed) {
      sendText(res, 404, 'Not found.');
      return;
    }
    sendFeed(req, res, feed, {
      // The URL is the credential: no shared cache may keep the answer, and no page may leak it onwards.
      cacheControl: 'private, max-age=600',
      extra: { 'Content-Disposition': 'inline; filename="pdn-mes-inscriptions.ics"', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex, nofollow' },
    });
  }
}
