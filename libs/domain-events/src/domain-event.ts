/**
 * One event of a producer's log, as the outbox stores it and `GET /events` serves it (JSON, with
 * `occurredAt` as an ISO string on the wire).
 */
export interface DomainEvent<TPayload = Record<string, unknown>> {
  /** Order in the producer's log; increasing, not contiguous. */
  position: number;
  /** Unique across redeliveries: consumers recognise an event they have applied by it. */
  id: string;
  /** e.g. `member.erased` */
  type: string;
  /** Version of the payload's shape. */
  version: number;
  payload: TPayload;
  occurredAt: Date;
}

/** What `GET /events` answers. */
export interface EventLogPage {
  producer: string;
  events: WireDomainEvent[];
}

export type WireDomainEvent = Omit<DomainEvent, 'occurredAt'> & { occurredAt: string };

export function toWire(event: DomainEvent): WireDomainEvent {
  return { ...event, occurredAt: event.occurredAt.toISOString() };
}

/** Checks the shape of what a producer sent, so a consumer never stores a malformed position. */
export function fromWire(value: unknown): DomainEvent {
  const event = value as Partial<WireDomainEvent> | null;
  if (
    !event ||
    typeof event.position !== 'number' ||
    !Number.isSafeInteger(event.position) ||
    event.position <= 0 ||
    typeof event.id !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.version !== 'number' ||
    typeof event.payload !== 'object' ||
    event.payload === null ||
    typeof event.occurredAt !== 'string'
  ) {
    throw new Error(`Malformed domain event: ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return { ...(event as WireDomainEvent), occurredAt: new Date(event.occurredAt) };
}

/** The part of a pino logger the mechanism uses. */
export interface DomainEventsLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: DomainEventsLogger = { debug() {}, info() {}, warn() {}, error() {} };
