import { describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import {
  EUROPE_PARIS_VTIMEZONE,
  contentLine,
  escapeText,
  foldLine,
  localDateTime,
  utcDateTime,
  writeCalendar,
  zonedDateTimeLine,
  type IcsEvent,
} from './ics-writer.js';

const PARIS = 'Europe/Paris';
const octets = (line: string) => Buffer.byteLength(line, 'utf8');
const physicalLines = (text: string) => text.split('\r\n');
const unfold = (text: string) => text.replace(/\r\n /g, '');

function event(overrides: Partial<IcsEvent> = {}): IcsEvent {
  return {
    uid: 'e1@pdn-network',
    sequence: 0,
    status: 'CONFIRMED',
    summary: 'Regroupement départemental',
    start: new Date('2026-03-28T09:00:00Z'),
    end: new Date('2026-03-28T16:00:00Z'),
    lastModified: new Date('2026-02-01T10:00:00Z'),
    stamp: new Date('2026-02-01T10:00:00Z'),
    ...overrides,
  };
}

function parseEvents(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

describe('escapeText', () => {
  it('should escape backslashes, semicolons and commas, and write newlines as \\n', () => {
    expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
    expect(escapeText('one\r\ntwo\nthree\rfour')).toBe('one\\ntwo\\nthree\\nfour');
  });

  it('should drop control characters that TEXT cannot hold, but keep tabs and non-ASCII letters', () => {
    expect(escapeText('bell\u0007 and\ttab, Pâques 🎉')).toBe('bell and\ttab\\, Pâques 🎉');
  });
});

describe('foldLine', () => {
  it('should leave a line of 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(67)}`;
    expect(octets(line)).toBe(75);
    expect(foldLine(line)).toBe(line);
  });

  it('should fold longer lines at 75 octets, continuations starting with one space', () => {
    const line = `DESCRIPTION:${'abcdefghij'.repeat(30)}`;
    const folded = foldLine(line);
    const lines = physicalLines(folded);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toHaveLength(75);
    for (const continuation of lines.slice(1)) expect(continuation.startsWith(' ')).toBe(true);
    for (const physical of lines) expect(octets(physical)).toBeLessThanOrEqual(75);
    expect(unfold(folded)).toBe(line);
  });

  it('should never split a multi-byte UTF-8 character, whatever its offset', () => {
    // 2-, 3- and 4-octet characters at every alignment against the 75-octet boundary.
    for (let shift = 0; shift < 4; shift++) {
      const line = `DESCRIPTION:${'x'.repeat(shift)}${'é€🎉'.repeat(40)}`;
      const folded = foldLine(line);
      for (const physical of physicalLines(folded)) {
        expect(octets(physical)).toBeLessThanOrEqual(75);
        // Each physical line is valid UTF-8 on its own: decoding its bytes gives it back unchanged.
        expect(Buffer.from(physical, 'utf8').toString('utf8')).toBe(physical);
        expect(physical).not.toMatch(/[\ud800-\udbff]$/);
      }
      expect(unfold(folded)).toBe(line);
    }
  });
});

describe('contentLine', () => {
  it('should quote parameter values that hold a colon, semicolon or comma', () => {
    expect(contentLine('DTSTART', '20260328T100000', { TZID: PARIS })).toBe('DTSTART;TZID=Europe/Paris:20260328T100000');
    expect(contentLine('X-TEST', 'v', { LABEL: 'a:b' })).toBe('X-TEST;LABEL="a:b":v');
  });
});

describe('date-times', () => {
  it('should write UTC date-times with a Z, without milliseconds', () => {
    expect(utcDateTime(new Date('2026-03-29T08:05:09.999Z'))).toBe('20260329T080509Z');
  });

  it('should write Paris wall-clock times on both sides of the March change', () => {
    expect(localDateTime(new Date('2026-03-28T09:00:00Z'), PARIS)).toBe('20260328T100000');
    expect(localDateTime(new Date('2026-03-30T08:00:00Z'), PARIS)).toBe('20260330T100000');
  });

  it('should write the repeated hour of the October change in UTC the second time it passes', () => {
    expect(zonedDateTimeLine('DTSTART', new Date('2026-10-25T00:30:00Z'), PARIS)).toBe('DTSTART;TZID=Europe/Paris:20261025T023000');
    expect(zonedDateTimeLine('DTSTART', new Date('2026-10-25T01:30:00Z'), PARIS)).toBe('DTSTART:20261025T013000Z');
  });
});

describe('writeCalendar', () => {
  const calendar = (events: IcsEvent[]) =>
    writeCalendar({
      productId: '-//PDN//Promeneurs du Net API//FR',
      name: 'Promeneurs du Net, Gers',
      refreshInterval: 'PT1H',
      timeZone: { id: PARIS, vtimezone: EUROPE_PARIS_VTIMEZONE },
      events,
    });

  it('should end every line with CRLF and never use a bare LF or CR', () => {
    const text = calendar([event({ description: 'Line one\nLine two\r\nLine three' })]);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('should write the calendar properties a subscribing app needs', () => {
    const text = unfold(calendar([]));
    for (const line of ['VERSION:2.0', 'PRODID:-//PDN//Promeneurs du Net API//FR', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:Promeneurs du Net\\, Gers', 'REFRESH-INTERVAL;VALUE=DURATION:PT1H', 'BEGIN:VTIMEZONE', 'TZID:Europe/Paris']) {
      expect(physicalLines(text)).toContain(line);
    }
    const { calendar: parsed } = parseEvents(calendar([]));
    expect(parsed.getFirstSubcomponent('vtimezone')?.getAllSubcomponents().map((c) => c.name).sort()).toEqual(['daylight', 'standard']);
  });

  it('should keep 10:00 in Paris on both sides of each summer-time change, read back by an iCalendar parser', () => {
    const instants = ['2026-03-28T09:00:00Z', '2026-03-30T08:00:00Z', '2026-10-24T08:00:00Z', '2026-10-26T09:00:00Z', '2027-01-15T09:00:00Z', '2027-07-15T08:00:00Z'];
    const text = calendar(instants.map((at, i) => event({ uid: `e${i}@pdn-network`, start: new Date(at), end: new Date(new Date(at).getTime() + 7_200_000) })));
    const { events } = parseEvents(text);
    expect(events).toHaveLength(instants.length);
    events.forEach((parsed, i) => {
      expect(parsed.startDate.zone.tzid).toBe(PARIS);
      expect(`${parsed.startDate.hour}:${parsed.startDate.minute}`).toBe('10:0');
      expect(parsed.startDate.toJSDate().toISOString()).toBe(new Date(instants[i]!).toISOString());
      expect(parsed.endDate.hour).toBe(12);
    });
  });

  it('should give an iCalendar parser back the instant of the repeated October hour', () => {
    const start = new Date('2026-10-25T01:30:00Z');
    const { events } = parseEvents(calendar([event({ start, end: new Date('2026-10-25T03:00:00Z') })]));
    expect(events[0]!.startDate.toJSDate().toISOString()).toBe(start.toISOString());
  });

  it('should round-trip every event property through an iCalendar parser, long and special text included', () => {
    const description = `Programme ; échanges, témoignages\\ateliers.\nDéjeuner offert 🍽️. ${'Très long texte accentué. '.repeat(12)}`;
    const text = calendar([
      event({
        uid: 'f3b1e6f2-5d5e-4d7b-9d0a-000000000001@pdn-network',
        sequence: 3,
        status: 'CANCELLED',
        summary: 'Atelier « Réseaux sociaux, harcèlement ; prévention »',
        description,
        location: 'MJC d’Auch, 8 rue Victor-Hugo, 32000 Auch',
        url: 'https://visio.example.org/pdn?room=32&x=1',
        categories: ['WORKSHOP'],
        created: new Date('2026-01-10T08:00:00Z'),
      }),
    ]);
    for (const physical of physicalLines(text)) expect(octets(physical)).toBeLessThanOrEqual(75);
    const { events } = parseEvents(text);
    const parsed = events[0]!;
    expect(parsed.uid).toBe('f3b1e6f2-5d5e-4d7b-9d0a-000000000001@pdn-network');
    expect(parsed.sequence).toBe(3);
    expect(parsed.summary).toBe('Atelier « Réseaux sociaux, harcèlement ; prévention »');
    expect(parsed.description).toBe(description);
    expect(parsed.location).toBe('MJC d’Auch, 8 rue Victor-Hugo, 32000 Auch');
    expect(parsed.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(parsed.component.getFirstPropertyValue('url')).toBe('https://visio.example.org/pdn?room=32&x=1');
    expect(parsed.component.getFirstProperty('categories')?.getValues()).toEqual(['WORKSHOP']);
    expect(String(parsed.component.getFirstPropertyValue('dtstamp'))).toBe('2026-02-01T10:00:00Z');
    expect(String(parsed.component.getFirstPropertyValue('last-modified'))).toBe('2026-02-01T10:00:00Z');
  });

  it('should leave out a URL that is not an absolute http(s) URL', () => {
    const text = unfold(calendar([event({ url: 'javascript:alert(1)' }), event({ uid: 'e2@pdn-network', url: 'not a url' })]));
    expect(text).not.toContain('URL:');
  });
});
