import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import {
  CancelEventDocument,
  CreateEventDocument,
  MyCalendarFeedDocument,
  RegisterDocument,
  RotateCalendarFeedTokenDocument,
  type CreateEventInput,
  type PdnClient,
} from '@pdn/client';
import { createStructure, join, signInAdmin } from './calendar-people.js';
import { startSystem, type RunningSystem } from './system.js';

interface FeedEvent {
  uid: string;
  summary: string;
  status: string;
  sequence: number;
  localStart: string;
  start: string;
}

function parseFeed(text: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    const start = event.startDate;
    return {
      uid: event.uid,
      summary: event.summary,
      status: String(component.getFirstPropertyValue('status')),
      sequence: event.sequence,
      localStart: `${String(start.hour).padStart(2, '0')}:${String(start.minute).padStart(2, '0')} ${start.zone?.tzid}`,
      start: start.toJSDate().toISOString(),
    };
  });
}

/** The last Sunday of March of `year`, when Paris moves to summer time (as a UTC midnight). */
function summerTimeChange(year: number): Date {
  const lastOfMarch = new Date(Date.UTC(year, 2, 31));
  return new Date(lastOfMarch.getTime() - lastOfMarch.getUTCDay() * 86_400_000);
}

// The iCalendar feeds as calendar apps subscribe to them: on the gateway's port, events created and
// registered through the gateway with the typed client, the private feed's URL from its mutation.
describe('iCalendar feeds through the gateway', () => {
  let system: RunningSystem;
  let origin: string;
  let coordinator: PdnClient;
  let promeneur: PdnClient;
  // 10:00 in Paris the day before and the day after next year's change to summer time.
  const change = summerTimeChange(new Date().getUTCFullYear() + 1);
  const saturday = new Date(change.getTime() - 86_400_000 + 9 * 3_600_000);
  const monday = new Date(change.getTime() + 86_400_000 + 8 * 3_600_000);
  let trainingId: string;
  let workshopId: string;

  async function createEvent(input: Omit<CreateEventInput, 'department' | 'status'>): Promise<string> {
    const created = await coordinator.request(CreateEventDocument, { input: { department: '32', status: 'PUBLISHED', ...input } });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createEvent.status).toBe('PUBLISHED');
    return created.data!.createEvent.id;
  }

  const feedPath = (url: string) => `${origin}${new URL(url).pathname}`;

  beforeAll(async () => {
    system = await startSystem();
    origin = new URL(system.gatewayUrl).origin;
    const admin = await signInAdmin(system);
    const structureId = await createStructure(admin, 'Mission locale du Gers');
    coordinator = (await join(system, admin, { structureId, email: 'coordination@caf32.test', firstName: 'Claire', lastName: 'Dubosc', role: 'COORDINATOR' })).client;
    promeneur = (await join(system, coordinator, { structureId, email: 'camille@ml-gers.test', firstName: 'Camille', lastName: 'Sarrade' })).client;

    trainingId = await createEvent({
      kind: 'INITIAL_TRAINING',
      title: 'Formation initiale, session de printemps',
      startsAt: saturday.toISOString(),
      endsAt: new Date(saturday.getTime() + 7 * 3_600_000).toISOString(),
      location: 'CAF du Gers, Auch',
    });
    workshopId = await createEvent({
      kind: 'WORKSHOP',
      title: 'Atelier : repérer le cyberharcèlement',
      startsAt: monday.toISOString(),
      endsAt: new Date(monday.getTime() + 2 * 3_600_000).toISOString(),
      onlineUrl: 'https://visio.pdn32.test/atelier',
    });
    // A new promeneur (still a candidate) may register to an initial training.
    const registered = await promeneur.request(RegisterDocument, { eventId: trainingId });
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.register.status).toBe('CONFIRMED');
  });

  afterAll(() => system?.close());

  it('should serve the public feed on the gateway port, 10:00 in Paris on both sides of the summer-time change', async () => {
    const response = await fetch(`${origin}/ics/events.ics?department=32`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('etag')).toBeTruthy();
    const events = parseFeed(await response.text());
    expect(events).toEqual([
      { uid: `${trainingId}@pdn-network`, summary: 'Formation initiale, session de printemps', status: 'CONFIRMED', sequence: 0, localStart: '10:00 Europe/Paris', start: saturday.toISOString() },
      { uid: `${workshopId}@pdn-network`, summary: 'Atelier : repérer le cyberharcèlement', status: 'CONFIRMED', sequence: 0, localStart: '10:00 Europe/Paris', start: monday.toISOString() },
    ]);
    const workshops = parseFeed(await (await fetch(`${origin}/ics/events.ics?kind=WORKSHOP`)).text());
    expect(workshops.map((e) => e.uid)).toEqual([`${workshopId}@pdn-network`]);
  });

  it('should answer a bad parameter with 400 and a reason', async () => {
    const response = await fetch(`${origin}/ics/events.ics?kind=FETE`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^Bad parameter kind: "FETE" is not an event kind/);
  });

  it("should serve a member's confirmed registrations at the URL from rotateCalendarFeedToken, and 404 at the old one once rotated", async () => {
    expect((await system.anonymous.request(RotateCalendarFeedTokenDocument)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect((await promeneur.request(MyCalendarFeedDocument)).data).toEqual({ myCalendarFeed: false });
    const first = await promeneur.request(RotateCalendarFeedTokenDocument);
    expect(first.errors).toBeUndefined();
    const { url, token } = first.data!.rotateCalendarFeedToken;
    expect(url).toMatch(new RegExp(`/ics/members/${token}\\.ics$`));
    expect((await promeneur.request(MyCalendarFeedDocument)).data).toEqual({ myCalendarFeed: true });

    const response = await fetch(feedPath(url));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, max-age=600');
    expect(parseFeed(await response.text()).map((e) => [e.uid, e.status])).toEqual([[`${trainingId}@pdn-network`, 'CONFIRMED']]);

    const second = await promeneur.request(RotateCalendarFeedTokenDocument);
    const old = await fetch(feedPath(url));
    expect(old.status).toBe(404);
    expect(await old.text()).toBe('Not found.\n');
    expect((await fetch(feedPath(second.data!.rotateCalendarFeedToken.url))).status).toBe(200);
  });

  it('should show a cancelled event as STATUS:CANCELLED with a higher SEQUENCE in both feeds', async () => {
    const feed = (await promeneur.request(RotateCalendarFeedTokenDocument)).data!.rotateCalendarFeedToken;
    const cancelled = await coordinator.request(CancelEventDocument, { id: trainingId, reason: 'Formatrice absente' });
    expect(cancelled.errors).toBeUndefined();

    const publicEvent = parseFeed(await (await fetch(`${origin}/ics/events.ics`)).text()).find((e) => e.uid === `${trainingId}@pdn-network`);
    // The feed's SEQUENCE is the event's, which cancelling bumped.
    expect(cancelled.data!.cancelEvent.sequence).toBeGreaterThan(0);
    expect(publicEvent).toMatchObject({ status: 'CANCELLED', sequence: cancelled.data!.cancelEvent.sequence });
    const privateEvents = parseFeed(await (await fetch(feedPath(feed.url))).text());
    expect(privateEvents).toEqual([expect.objectContaining({ uid: `${trainingId}@pdn-network`, status: 'CANCELLED', sequence: publicEvent!.sequence })]);
  });
});
