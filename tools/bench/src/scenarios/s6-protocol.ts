// What the S6 fan-out scenario's parent and its load processes (s6-subscribers.ts) share: the
// subscription, how alert titles name their alert, and the IPC messages between them.

/** What every subscriber asks for: the alert, and who raised it, resolved by the members subgraph. */
export const S6_SUBSCRIPTION = `subscription S6AlertRaised {
  alertRaised {
    id
    title
    severity
    raisedAt
    raisedBy { id displayName structure { name commune } }
  }
}`;

/** Titles carry the run and the alert's number, so a receipt names its alert without waiting for the mutation's answer. */
export const alertTitle = (runId: string, kind: 'warm-up' | 'alert', index: number) => `S6 fan-out ${runId} ${kind} ${index}`;
export const ALERT_TITLE = /^S6 fan-out ([a-z]+) (warm-up|alert) (\d+)$/;

export interface S6StartMessage {
  type: 'start';
  gatewayWsUrl: string;
  runId: string;
  alerts: number;
  /** One access token per subscriber (several subscribers share a member's token). */
  tokens: string[];
  /** WebSockets being opened at once. */
  connectConcurrency: number;
  /** What a complete delivery shows of its author. */
  expectedAuthor: { displayName: string; structureName: string };
}

export type S6ParentMessage = S6StartMessage | { type: 'status' } | { type: 'collect' } | { type: 'close' };

export interface S6Status {
  /** Subscribers whose connection was acknowledged and whose subscription was sent. */
  subscribed: number;
  /** Subscribers that received a result (a warm-up alert, or an error in its place): their subscription is live end to end. */
  warm: number;
  /** Measured alerts received (first receipt of each alert by each subscriber). */
  received: number;
  /** Every result, warm-ups, errors and duplicates included: stops growing once the gateway is quiet. */
  messages: number;
  /** Subscribers whose socket closed or whose subscription ended. */
  ended: number;
  /** Results carrying errors and no data: an error reached the client instead of an alert. */
  errorResults: number;
}

export interface S6ClientProblems {
  connectFailures: number;
  /** Sockets closed after the connection was acknowledged, by close code. */
  closes: Record<string, number>;
  /**
   * Results with errors and no data (e.g. members did not answer in time: `raisedBy` is non-null, so
   * the whole alert is null): the client got an error instead of an alert, which alert cannot be told.
   */
  errorResults: number;
  /** Subscriptions ended by an error message, or completed by the server. */
  subscriptionErrors: number;
  completed: number;
  /** Deliveries of a measured alert carrying GraphQL errors (e.g. members unavailable: raisedBy missing). */
  deliveriesWithErrors: number;
  /** Deliveries whose author was not the expected one (a wrong or partial answer). */
  wrongAuthor: number;
  /** A measured alert received twice by one subscriber. */
  duplicates: number;
  /** Up to 5 examples, for the report. */
  examples: string[];
}

export interface S6ClientResult {
  /** receipts[client][alert]: wall-clock ms of the first receipt, null when it never came. */
  receipts: (number | null)[][];
  problems: S6ClientProblems;
  /** This process's event loop delay while it ran (ms): how much the load itself may have delayed receipts. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  cpuSeconds: number;
  peakRssBytes: number;
}

export type S6ChildMessage =
  | { type: 'ready'; status: S6Status; problems: S6ClientProblems }
  | { type: 'status'; status: S6Status }
  | { type: 'result'; result: S6ClientResult }
  | { type: 'failed'; message: string };
