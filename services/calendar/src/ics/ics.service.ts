import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CalendarSettings } from '../calendar.config.js';
import { CALENDAR_SETTINGS, CLOCK, type Clock } from '../common/tokens.js';
import type { EventRow } from '../db/calendar.tables.js';
import type { CalendarFeed } from './calendar-feed.model.js';
import { parseFeedFilter } from './feed-filter.js';
import { looksLikeSecretToken, newSecretToken, requireMember, secretTokenHash, type Caller } from '@pdn/identity';
import { EUROPE_PARIS_VTIMEZONE, writeCalendar, type IcsEvent } from './ics-writer.js';
import { IcsRepository } from './ics.repository.js';

/** How far back feeds go: recent events stay visible (and cancellations reach calendars) for a season. */
export const FEED_HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;
const PRODUCT_ID = '-//PDN//Promeneurs du Net network API//FR';
const REFRESH_INTERVAL = 'PT1H';
const TIME_ZONE = { id: 'Europe/Paris', vtimezone: EUROPE_PARIS_VTIMEZONE };

/** A feed ready to send: the ETag is the body's hash, so it changes exactly when the body does. */
export interface IcsDocument {
  body: string;
  etag: string;
  /** The latest change among the events shown; null when there are none. */
  lastModified: Date | null;
}

/** Stable across feeds and rewrites, so the public and private feeds describe the same event. */
export function eventUid(eventId: string): string {
  return `${eventId}@pdn-network`;
}

function later(a: Date, b: Date | undefined): Date {
  return b && b > a ? b : a;
}

/**
 * One event as calendars show it. A cancellation also changes the title and description: several
 * calendar apps ignore STATUS in subscribed calendars and would otherwise show a cancelled day as on.
 */
export function toIcsEvent(event: EventRow, registration?: { status: string; updatedAt: Date }): IcsEvent {
  const eventCancelled = event.status === 'CANCELLED';
  const registrationCancelled = registration?.status === 'CANCELLED';
  const lastModified = later(event.updatedAt, registration?.updatedAt);
  const summary = eventCancelled ? `Annulé : ${event.title}` : registrationCancelled ? `Inscription annulée : ${event.title}` : event.title;
  const notice = eventCancelled ? `Événement annulé${event.cancelReason ? ` : ${event.cancelReason}` : '.'}` : null;
  const description = [notice, event.description].filter(Boolean).join('\n\n') || null;
  return {
    uid: eventUid(event.id),
    sequence: event.sequence,
    status: eventCancelled || registrationCancelled ? 'CANCELLED' : 'CONFIRMED',
    summary,
    description,
    location: event.location,
    url: event.onlineUrl,
    categories: [event.kind],
    start: event.startsAt,
    end: event.endsAt,
    created: event.createdAt,
    lastModified,
    // The instant this version of the event came to be, not the request's: the feed stays byte-identical
    // until something changes, which is what makes its ETag useful.
    stamp: lastModified,
  };
}

function document(body: string, events: IcsEvent[]): IcsDocument {
  const lastModified = events.reduce<Date | null>((latest, e) => (!latest || e.lastModified > latest ? e.lastModified : latest), null);
  return { body, etag: `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`, lastModified };
}


@Injectable()
export class IcsService {
  constructor(
    private readonly repository: IcsRepository,
    @Inject(CALENDAR_SETTINGS) private readonly settings: CalendarSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private historyStart(): Date {
    return new Date(this.clock.now().getTime() - FEED_HISTORY_DAYS * DAY_MS);
  }

  /** Published, cancelled and completed events from 90 days ago on. Throws BAD_USER_INPUT on a bad parameter. */
  async publicFeed(query: Record<string, unknown>): Promise<IcsDocument> {
    const filter = parseFeedFilter(query);
    const rows = await this.repository.publicEvents({ endingFrom: this.historyStart(), ...filter });
    const events = rows.map((row) => toIcsEvent(row));
    const where = filter.departments.length ? ` (${filter.departments.join(', ')})` : '';
    const body = writeCalendar({
      productId: PRODUCT_ID,
      name: `Promeneurs du Net – événements${where}`,
      description: 'Formations, ateliers, webinaires et regroupements du réseau Promeneurs du Net.',
      refreshInterval: REFRESH_INTERVAL,
      timeZone: TIME_ZONE,
      events,
    });
    return document(body, events);
  }

  /** Null for a token that is not (or no longer) any member's: the caller answers 404 and says no more. */
  async memberFeed(token: string): Promise<IcsDocument | null> {
    if (!looksLikeSecretToken(token)) return null;
    const memberId = await this.repository.memberIdForToken(secretTokenHash(token));
    if (!memberId) return null;
    const rows = await this.repository.memberEvents(memberId, this.historyStart());
    const events = rows.map((row) => toIcsEvent(row.event, { status: row.registrationStatus, updatedAt: row.registrationUpdatedAt }));
    const body = writeCalendar({
      productId: PRODUCT_ID,
      name: 'Promeneurs du Net – mes inscriptions',
      description: 'Les événements du réseau où votre inscription est confirmée. Ce lien est personnel : ne le partagez pas.',
      refreshInterval: REFRESH_INTERVAL,
      timeZone: TIME_ZONE,
      events,
    });
    return document(body, events);
  }

  /** A new secret URL for the caller's feed; the previous one, if any, stops working at once. */
  async rotateFeedToken(caller: Caller): Promise<CalendarFeed> {
    const member = requireMember(caller);
    const token = newSecretToken();
    const createdAt = this.clock.now();
    await this.repository.replaceToken(member.memberId, secretTokenHash(token), createdAt);
    return { url: this.feedUrl(token), token, createdAt };
  }

  async hasFeed(caller: Caller): Promise<boolean> {
    return (await this.repository.tokenCreatedAt(requireMember(caller).memberId)) !== null;
  }

  /** True when there was a feed to turn off. */
  revokeFeed(caller: Caller): Promise<boolean> {
    return this.repository.deleteToken(requireMember(caller).memberId);
  }

  /** Under PUBLIC_BASE_URL, path included (the gateway may be published under a prefix). */
  private feedUrl(token: string): string {
    return `${this.settings.PUBLIC_BASE_URL.replace(/\/+$/, '')}/ics/members/${token}.ics`;
  }
}
