import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { conflict, forbidden, notFound } from '@pdn/errors';
import { type Caller } from '@pdn/identity';
import { decodeCursor, pageSize, toConnection, type Connection } from '@pdn/pagination';
import type { PubSubEngine, Subscription } from '@pdn/pubsub';
import { CLOCK, type Clock } from '@pdn/subgraph';
import { FEED_PUBSUB, FEED_SETTINGS } from '../common/tokens.js';
import type { AlertRow } from '../db/feed.tables.js';
import type { FeedSettings } from '../feed.config.js';
import { AlertStatus } from './alert.enums.js';
import type { AlertFilter, RaiseAlertInput } from './alert.input.js';
import {
  alertCriteria,
  alertMember,
  alertReader,
  alertStatus,
  canResolve,
  canSeeAlert,
  concerns,
  matches,
  readableDepartments,
  validRaise,
} from './alert-rules.js';
import { AlertsRepository, type AlertCursor } from './alerts.repository.js';

const ORDERING = 'alerts:raised';

/** Pub/sub topics of the feed's alerts (payloads travel as JSON, Dates revived). */
export const ALERT_RAISED_TOPIC = 'alerts.raised';
export const ALERT_UPDATED_TOPIC = 'alerts.updated';

export interface AlertRaisedEvent {
  alert: AlertRow;
}

export interface AlertUpdatedEvent {
  alert: AlertRow;
  /**
   * Set on CRITICAL reminders: one event for every replica and subscriber, each subscriber keeping
   * it only when its member is concerned and not among these (see `updatedStream`).
   */
  reminder?: { acknowledgedBy: string[] };
}

/** At most this many alerts are replayed by `alertRaised(since)`: the oldest beyond it are skipped. */
export const REPLAY_MAX = 500;

/**
 * An async iterator over `body` whose return() also ends the pub/sub subscription at once: an async
 * generator waiting for the next event would otherwise hold the subscription until one arrives.
 */
function stream<T>(subscription: Subscription<unknown>, body: AsyncGenerator<T>): AsyncIterableIterator<T> {
  return {
    next: () => body.next(),
    return: async () => {
      await subscription.return();
      return body.return(undefined);
    },
    throw: async (error?: unknown) => {
      await subscription.return();
      return body.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    @Inject(FEED_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(FEED_SETTINGS) private readonly settings: FeedSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get reminderIntervalMs(): number {
    return this.settings.ALERT_REMINDER_MINUTES * 60_000;
  }

  /** Null when it does not exist or is not for the caller's départements. */
  async get(caller: Caller, id: string): Promise<AlertRow | null> {
    const reader = alertReader(caller);
    const alert = await this.alerts.findById(id);
    return alert && canSeeAlert(reader, alert) ? alert : null;
  }

  /** For federation's `_entities`: the same visibility, but never an error. */
  async reference(caller: Caller, id: string): Promise<AlertRow | null> {
    if (caller.kind !== 'member') return null;
    const alert = await this.alerts.findById(id);
    return alert && canSeeAlert(caller, alert) ? alert : null;
  }

  /** Newest first, within the caller's départements. */
  async list(caller: Caller, filter: AlertFilter | null | undefined, first?: number | null, after?: string | null): Promise<Connection<AlertRow>> {
    const reader = alertReader(caller);
    const limit = pageSize(first);
    const cursor = decodeCursor(after, ORDERING, 2) as AlertCursor | null;
    const criteria = alertCriteria(filter);
    const { rows, total } = await this.alerts.page(
      { ...criteria, visible: readableDepartments(reader, criteria.department), now: this.clock.now() },
      limit + 1,
      cursor,
    );
    return toConnection(rows, limit, ORDERING, (a) => [a.raisedAt.toISOString(), a.id], total);
  }

  async raise(caller: Caller, input: RaiseAlertInput): Promise<AlertRow> {
    const reader = alertMember(caller);
    const now = this.clock.now();
    const fields = validRaise(reader, input, now);
    const alert = await this.alerts.insert({ ...fields, raisedBy: reader.memberId, raisedAt: now });
    await this.pubsub.publish(ALERT_RAISED_TOPIC, { alert } satisfies AlertRaisedEvent);
    return alert;
  }

  /** Idempotent: acknowledging again changes nothing and announces nothing. */
  async acknowledge(caller: Caller, id: string): Promise<AlertRow> {
    const reader = alertMember(caller);
    const alert = await this.visible(reader, id);
    if (!concerns(reader, alert)) throw forbidden('Only the members of the départements it covers acknowledge an alert.');
    const status = alertStatus(alert, this.clock.now());
    if (status !== AlertStatus.ACTIVE) throw conflict(`This alert is ${status.toLowerCase()}: it can no longer be acknowledged.`);
    const updated = await this.alerts.acknowledge(alert.id, reader.memberId, this.clock.now());
    if (!updated) return alert;
    await this.pubsub.publish(ALERT_UPDATED_TOPIC, { alert: updated } satisfies AlertUpdatedEvent);
    return updated;
  }

  async resolve(caller: Caller, id: string, note: string): Promise<AlertRow> {
    const reader = alertMember(caller);
    const why = validate.text('note', note, { max: 2000 });
    const alert = await this.visible(reader, id);
    if (!canResolve(reader, alert)) throw forbidden('Only the coordinators of a département the alert covers can resolve it.');
    const resolved = await this.alerts.resolve(alert.id, reader.memberId, why, this.clock.now());
    if (!resolved) throw conflict('This alert is already resolved.');
    await this.pubsub.publish(ALERT_UPDATED_TOPIC, { alert: resolved } satisfies AlertUpdatedEvent);
    return resolved;
  }

  status(alert: AlertRow): AlertStatus {
    return alertStatus(alert, this.clock.now());
  }

  acknowledgementCount(alert: AlertRow): Promise<number> {
    return this.alerts.countOf(alert.id);
  }

  async acknowledgedByMe(caller: Caller, alert: AlertRow): Promise<boolean> {
    if (caller.kind !== 'member') return false;
    return this.alerts.hasAcknowledged({ memberId: caller.memberId, alertId: alert.id });
  }

  /**
   * `Member.hasAcknowledged(alertId)`: for the members who may see the alert (a coordinator lists who
   * has not acknowledged; a promeneur sees their colleagues'). NOT_FOUND when the caller may not see it.
   */
  async hasAcknowledged(caller: Caller, memberId: string, alertId: string): Promise<boolean> {
    const reader = alertMember(caller);
    const alert = validate.isUuid(alertId) ? await this.alerts.findById(alertId) : null;
    if (!alert || !canSeeAlert(reader, alert)) throw notFound('Alert', alertId);
    return this.alerts.hasAcknowledged({ memberId, alertId });
  }

  /**
   * `alertRaised`: subscribes first, then replays from the table the matching alerts raised after
   * `since` (by raisedAt, then id), then goes on live, skipping the live copies of replayed alerts.
   * Subscribing before reading means an alert committed during the replay is in one or the other.
   */
  raisedStream(caller: Caller, filter: AlertFilter | null | undefined, since: Date | null | undefined): AsyncIterableIterator<AlertRow> {
    const reader = alertReader(caller);
    const criteria = alertCriteria(filter);
    const visible = readableDepartments(reader, criteria.department);
    const subscription = this.pubsub.subscribe<AlertRaisedEvent>(ALERT_RAISED_TOPIC);
    const replay = (): Promise<AlertRow[]> =>
      since
        ? this.alerts.raisedAfter({ ...criteria, visible, now: this.clock.now() }, since, REPLAY_MAX)
        : Promise.resolve([]);
    const live = (alert: AlertRow) => canSeeAlert(reader, alert) && matches(criteria, alert, this.clock.now());
    return stream(subscription, replayThenLive(subscription, replay, live));
  }

  /**
   * `alertUpdated`: acknowledgements, resolutions and CRITICAL reminders of the alerts the caller sees
   * (one alert when `id` is given). A reminder reaches only the members it concerns who have not
   * acknowledged it.
   */
  async updatedStream(caller: Caller, id: string | null | undefined): Promise<AsyncIterableIterator<AlertRow>> {
    const reader = alertReader(caller);
    if (id) await this.visible(reader, id);
    const subscription = this.pubsub.subscribe<AlertUpdatedEvent>(ALERT_UPDATED_TOPIC);
    await subscription.ready;
    const keep = (event: AlertUpdatedEvent): boolean => {
      const { alert, reminder } = event;
      if (id && alert.id !== id) return false;
      if (!canSeeAlert(reader, alert)) return false;
      if (reminder) return reader.kind === 'member' && concerns(reader, alert) && !reminder.acknowledgedBy.includes(reader.memberId);
      return true;
    };
    return stream(subscription, filtered(subscription, keep));
  }

  /**
   * Sends the CRITICAL reminders due at `now`. Alerts are claimed in one UPDATE … RETURNING, so when
   * every replica runs this on its own timer each reminder still goes out once.
   */
  async runDueReminders(now: Date = this.clock.now()): Promise<AlertRow[]> {
    const claimed = await this.alerts.claimDueReminders(now, this.reminderIntervalMs);
    if (claimed.length === 0) return [];
    const acknowledgers = await this.alerts.acknowledgersOf(claimed.map((a) => a.id));
    for (const alert of claimed) {
      const event: AlertUpdatedEvent = { alert, reminder: { acknowledgedBy: acknowledgers.get(alert.id) ?? [] } };
      await this.pubsub.publish(ALERT_UPDATED_TOPIC, event);
    }
    return claimed;
  }

  private async visible(reader: Caller, id: string): Promise<AlertRow> {
    const alert = validate.isUuid(id) ? await this.alerts.findById(id) : null;
    if (!alert || !canSeeAlert(reader, alert)) throw notFound('Alert', id);
    return alert;
  }
}

async function* replayThenLive(
  subscription: Subscription<AlertRaisedEvent>,
  replay: () => Promise<AlertRow[]>,
  live: (alert: AlertRow) => boolean,
): AsyncGenerator<AlertRow> {
  try {
    await subscription.ready;
    const replayed = new Set<string>();
    for (const alert of await replay()) {
      replayed.add(alert.id);
      yield alert;
    }
    for await (const { alert } of subscription) {
      // Each alert is announced once: a replayed id is skipped once, then forgotten.
      if (replayed.delete(alert.id)) continue;
      if (live(alert)) yield alert;
    }
  } finally {
    await subscription.return();
  }
}

async function* filtered(subscription: Subscription<AlertUpdatedEvent>, keep: (event: AlertUpdatedEvent) => boolean): AsyncGenerator<AlertRow> {
  try {
    for await (const event of subscription) {
      if (keep(event)) yield event.alert;
    }
  } finally {
    await subscription.return();
  }
}
