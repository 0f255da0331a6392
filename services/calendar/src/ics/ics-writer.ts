// iCalendar (RFC 5545) written in small pure functions: no state, no I/O, no clock. The feeds
// (ics.service.ts) decide what goes in; this file decides only how it is spelled.

const CRLF = '\r\n';
/** RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;

/** TEXT values (§3.3.11): backslash, semicolon and comma escaped, every newline as `\n`. */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // Control characters other than HTAB are not allowed in TEXT; they would only come from a paste.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  );
}

function utf8Octets(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Folds a content line into lines of at most 75 octets (§3.1): each continuation starts with one
 * space, which counts in its 75. It cuts between code points only, so no UTF-8 sequence is split.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0)!);
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/** A parameter value (§3.2): quoted when it holds `:`, `;` or `,`; DQUOTE and controls cannot appear at all. */
function parameterValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(safe) ? `"${safe}"` : safe;
}

/** `NAME;PARAM=value:value`, unfolded. The value must already be written for its type (escaped TEXT…). */
export function contentLine(name: string, value: string, params: Record<string, string> = {}): string {
  const written = Object.entries(params)
    .map(([param, paramValue]) => `;${param}=${parameterValue(paramValue)}`)
    .join('');
  return `${name}${written}:${value}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** DATE-TIME in UTC (§3.3.5 form #2), e.g. `20260329T080000Z`; milliseconds are dropped. */
export function utcDateTime(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  );
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

/** DATE-TIME as the wall clock of `timeZone` shows it (§3.3.5 form #3, without TZID), e.g. `20260329T100000`. */
export function localDateTime(date: Date, timeZone: string): string {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    wallClockFormats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  return `${p.year}${p.month}${p.day}T${p.hour}${p.minute}${p.second}`;
}

const HOUR_MS = 3_600_000;

/**
 * DTSTART/DTEND in the zone's wall-clock time with its TZID. The one instant a local time cannot
 * name is the second pass of the hour repeated when summer time ends: §3.3.5 reads a repeated local
 * time as its first occurrence, so that instant is written in UTC instead.
 */
export function zonedDateTimeLine(name: string, date: Date, timeZone: string): string {
  const local = localDateTime(date, timeZone);
  if (localDateTime(new Date(date.getTime() - HOUR_MS), timeZone) === local) return contentLine(name, utcDateTime(date));
  return contentLine(name, local, { TZID: timeZone });
}

/**
 * Europe/Paris since 1996 (EU rules): summer time from the last Sunday of March at 02:00 to the last
 * Sunday of October at 03:00 local time. Every TZID used in a calendar needs its VTIMEZONE (§3.6.5).
 */
export const EUROPE_PARIS_VTIMEZONE: readonly string[] = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'X-LIC-LOCATION:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export type IcsEventStatus = 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';

export interface IcsEvent {
  /** Globally unique and stable across feeds and rewrites, e.g. `<event id>@pdn-network`. */
  uid: string;
  /** Revision number: clients keep the highest one they saw. */
  sequence: number;
  status: IcsEventStatus;
  summary: string;
  description?: string | null;
  location?: string | null;
  /** Written only when it is an absolute http(s) URL. */
  url?: string | null;
  categories?: readonly string[];
  start: Date;
  end: Date;
  created?: Date | null;
  lastModified: Date;
  /** DTSTAMP, in UTC. */
  stamp: Date;
}

function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** One VEVENT's content lines, unfolded. */
export function eventLines(event: IcsEvent, timeZone: string): string[] {
  const lines = [
    'BEGIN:VEVENT',
    contentLine('UID', escapeText(event.uid)),
    contentLine('DTSTAMP', utcDateTime(event.stamp)),
    zonedDateTimeLine('DTSTART', event.start, timeZone),
    zonedDateTimeLine('DTEND', event.end, timeZone),
    contentLine('SUMMARY', escapeText(event.summary)),
  ];
  if (event.description) lines.push(contentLine('DESCRIPTION', escapeText(event.description)));
  if (event.location) lines.push(contentLine('LOCATION', escapeText(event.location)));
  const url = httpUrl(event.url);
  if (url) lines.push(contentLine('URL', url));
  if (event.categories?.length) lines.push(contentLine('CATEGORIES', event.categories.map(escapeText).join(',')));
  lines.push(
    contentLine('STATUS', event.status),
    contentLine('SEQUENCE', String(Math.max(0, Math.trunc(event.sequence)))),
  );
  if (event.created) lines.push(contentLine('CREATED', utcDateTime(event.created)));
  lines.push(contentLine('LAST-MODIFIED', utcDateTime(event.lastModified)), 'TRANSP:OPAQUE', 'END:VEVENT');
  return lines;
}

export interface IcsCalendar {
  /** PRODID (§3.7.3), e.g. `-//PDN//Promeneurs du Net API//FR`. */
  productId: string;
  /** Shown by calendar apps as the subscribed calendar's name. */
  name: string;
  description?: string;
  /** How often subscribers should refresh, as an ISO 8601 duration (RFC 7986 REFRESH-INTERVAL). */
  refreshInterval?: string;
  /** The only TZID the events use, with its VTIMEZONE lines. */
  timeZone: { id: string; vtimezone: readonly string[] };
  events: readonly IcsEvent[];
}

/** A whole iCalendar object: folded lines, CRLF endings, including after the last line. */
export function writeCalendar(calendar: IcsCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    contentLine('PRODID', escapeText(calendar.productId)),
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    contentLine('NAME', escapeText(calendar.name)),
    contentLine('X-WR-CALNAME', escapeText(calendar.name)),
  ];
  if (calendar.description) {
    lines.push(contentLine('DESCRIPTION', escapeText(calendar.description)), contentLine('X-WR-CALDESC', escapeText(calendar.description)));
  }
  lines.push(contentLine('X-WR-TIMEZONE', calendar.timeZone.id));
  if (calendar.refreshInterval) {
    lines.push(contentLine('REFRESH-INTERVAL', calendar.refreshInterval, { VALUE: 'DURATION' }), contentLine('X-PUBLISHED-TTL', calendar.refreshInterval));
  }
  lines.push(...calendar.timeZone.vtimezone);
  for (const event of calendar.events) lines.push(...eventLines(event, calendar.timeZone.id));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
