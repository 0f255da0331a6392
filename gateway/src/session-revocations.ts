import { setTimeout as sleep } from 'node:timers/promises';
import {
  HttpEventSource,
  MEMBER_ACCESS_CHANGED,
  MEMBER_ERASED,
  memberAccessChangedPayload,
  memberErasedPayload,
  SESSION_ENDED,
  sessionEndedPayload,
  type DomainEvent,
  type EventSource,
} from '@pdn/domain-events/client';
import type { MemberStatus, Role } from '@pdn/identity';
import type { Logger } from '@pdn/logging';
import type { SessionRevocationSettings } from './gateway.config.js';

// Access tokens are verified here with members' public key alone: without more, a token would stay
// good until it expires (ACCESS_TOKEN_TTL_SECONDS, 15 min) after its session ended or its member was
// suspended or erased. Members writes those facts to its event log (session.ended,
// member.access-changed, member.erased); every gateway replica follows that log with a long poll and
// keeps in memory what it needs to refuse such tokens, each fact only as long as a token it voids
// could still be valid.

/** Refusal of a token whose session ended, or whose member left or erased their account. */
export const SESSION_ENDED_MESSAGE = 'The session has ended: sign in again.';
/** Refusal of a token that claims more than its member may now do (suspended, say). */
export const ACCESS_CHANGED_MESSAGE = "The member's access has changed since this access token was issued: refresh the session.";

/** What the gateway read from a member's access token. */
export interface TokenClaims {
  memberId: string;
  sessionId?: string;
  role: Role;
  status: MemberStatus;
  departments: readonly string[];
  /** `iat` and `exp` (seconds), to notice tokens that live longer than the look-back covers. */
  issuedAt?: number;
  expiresAt?: number;
}

/** What a gateway asks before it lets a member's token in (authenticate.ts, subscriptions.ts). */
export interface SessionRevocationCheck {
  /** Why the token must be refused, or undefined when nothing known voids it. */
  refusal(claims: TokenClaims): string | undefined;
  /**
   * Calls `onRefused` once, as soon as the token is void (it may be already): an open graphql-ws
   * connection is closed then. Returns the function that stops watching.
   */
  watch(claims: TokenClaims, onRefused: (message: string) => void): () => void;
}

export interface SessionRevocationsStatus {
  /** `catching-up` after start, `live` once it has read the log to its end, `retrying` while members cannot be read. */
  state: 'starting' | 'catching-up' | 'live' | 'retrying' | 'stopped';
  /** Last position read in members' log (0: none yet). */
  position: number;
  /** Seconds since members' log last answered (null: never). A live follower answers at least every long poll. */
  lastReadSecondsAgo: number | null;
  /** Failed reads in a row. */
  failures: number;
  /** Entries held in memory. */
  endedSessions: number;
  changedMembers: number;
}

export interface SessionRevocationsOptions {
  source: EventSource;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** At start, the events of this many seconds back are read: at least members' ACCESS_TOKEN_TTL_SECONDS. */
  lookbackSeconds: number;
  /** Long poll asked of members; default 20 s. */
  waitSeconds?: number;
  /** First retry delay when members cannot be read, doubled at each failure in a row; default 500 ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Events asked for at a time; default 500. */
  batchSize?: number;
  /** Pause between polls that brought nothing back quicker than this (members answering a long poll at once); default 1000 ms. */
  idleMs?: number;
  /** Each fact is kept this much longer than the tokens it voids: clocks of members and gateway differ a little. */
  marginMs?: number;
  now?: () => number;
}

interface MemberAccess {
  status: MemberStatus;
  role: Role;
  departments: readonly string[];
  /** member.erased: nothing of this member is valid any more. */
  erased: boolean;
  dropAt: number;
}

interface Watcher {
  claims: TokenClaims;
  onRefused: (message: string) => void;
}

const ROLE_RANK: Record<Role, number> = { PROMENEUR: 0, COORDINATOR: 1, ADMIN: 2 };
const DEFAULT_MARGIN_MS = 60_000;

/** Delay before retry number `failures` (1, 2, …): exponential, capped, with ±20 % jitter. */
function backoffDelay(failures: number, minMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, minMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(Math.min(maxMs, exponential * (0.8 + 0.4 * Math.random())));
}

/**
 * A token claims no more than the member's access now allows: the same status (any status but LEFT
 * when the member is now ACTIVE: an older CANDIDATE or SUSPENDED token grants less, not more), no
 * higher role, no département beyond the member's.
 */
function allows(access: MemberAccess, claims: TokenClaims): boolean {
  if (access.erased || access.status === 'LEFT') return false;
  const statusOk = claims.status === access.status || (access.status === 'ACTIVE' && claims.status !== 'LEFT');
  return statusOk && ROLE_RANK[claims.role] <= ROLE_RANK[access.role] && claims.departments.every((d) => access.departments.includes(d));
}

/**
 * Follows members' event log and answers, per access token, whether something voids it. A members
 * service that cannot be read costs nothing but the delay: tokens are still checked by signature and
 * expiry, the loop retries with backoff and logs a warning, and the gateway keeps serving.
 */
export class SessionRevocations implements SessionRevocationCheck {
  private readonly endedSessions = new Map<string, number>();
  private readonly access = new Map<string, MemberAccess>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly now: () => number;
  private position = 0;
  private state: SessionRevocationsStatus['state'] = 'starting';
  private failures = 0;
  private lastReadAt: number | undefined;
  private loop: Promise<void> | undefined;
  private stopping = new AbortController();
  private readonly firstAttempt: Promise<void>;
  private firstAttemptDone: () => void = () => {};
  private warnedAboutLifetime = false;

  constructor(private readonly options: SessionRevocationsOptions) {
    this.now = options.now ?? Date.now;
    this.firstAttempt = new Promise<void>((resolve) => {
      this.firstAttemptDone = resolve;
    });
  }

  refusal(claims: TokenClaims): string | undefined {
    this.noteLifetime(claims);
    const now = this.now();
    if (claims.sessionId) {
      const dropAt = this.endedSessions.get(claims.sessionId);
      if (dropAt !== undefined && dropAt > now) return SESSION_ENDED_MESSAGE;
    }
    const access = this.access.get(claims.memberId);
    if (!access || access.dropAt <= now || allows(access, claims)) return undefined;
    return access.erased || access.status === 'LEFT' ? SESSION_ENDED_MESSAGE : ACCESS_CHANGED_MESSAGE;
  }

  watch(claims: TokenClaims, onRefused: (message: string) => void): () => void {
    // Refused between the authentication and now: told at once, but never from inside this call.
    const already = this.refusal(claims);
    if (already) {
      setImmediate(() => onRefused(already));
      return () => {};
    }
    const watcher: Watcher = { claims, onRefused };
    let set = this.watchers.get(claims.memberId);
    if (!set) this.watchers.set(claims.memberId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(claims.memberId) === set) this.watchers.delete(claims.memberId);
    };
  }

  /** Starts following members' log in the background. */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.state = 'catching-up';
    this.loop = this.run(this.stopping.signal);
  }

  /**
   * Resolves once the first read has ended, whether it reached the end of the log or failed, or after
   * `timeoutMs`: a gateway that starts waits that long at most before it serves.
   */
  async ready(timeoutMs: number): Promise<void> {
    await Promise.race([this.firstAttempt, sleep(timeoutMs, undefined, { ref: false })]);
  }

  /** Stops the loop (the long poll in progress is abandoned); what is known stays known. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
  }

  status(): SessionRevocationsStatus {
    this.prune();
    return {
      state: this.state,
      position: this.position,
      lastReadSecondsAgo: this.lastReadAt === undefined ? null : Math.round((this.now() - this.lastReadAt) / 1000),
      failures: this.failures,
      endedSessions: this.endedSessions.size,
      changedMembers: this.access.size,
    };
  }

  /** One read of the log (waiting up to `waitSeconds` when nothing is new), applied; tests and the loop. */
  async pollOnce(waitSeconds: number, signal?: AbortSignal): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    // Until a first event is read, the log is asked from the recent past only (the look-back).
    const since = this.position === 0 ? new Date(this.now() - this.options.lookbackSeconds * 1000) : undefined;
    const events = await this.options.source.fetch(this.position, { limit: batchSize, waitSeconds, signal, since });
    for (const event of events) {
      this.apply(event);
      this.position = Math.max(this.position, event.position);
    }
    this.lastReadAt = this.now();
    this.state = events.length < batchSize ? 'live' : 'catching-up';
    this.prune();
    return events.length;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const waitSeconds = this.options.waitSeconds ?? 20;
    const idleMs = this.options.idleMs ?? 1000;
    while (!signal.aborted) {
      const started = this.now();
      // While catching up, pages come back at once; the long poll is for when the log is read to its end.
      const waited = this.state === 'live' ? waitSeconds : 0;
      try {
        const fetched = await this.pollOnce(waited, signal);
        if (this.failures > 0) this.options.logger.info({ failures: this.failures }, 'members event log readable again: ended sessions are refused again');
        this.failures = 0;
        if (this.state === 'live') this.firstAttemptDone();
        const elapsed = this.now() - started;
        // A long poll that came back empty at once (a producer that does not hold requests): not in a tight loop.
        if (fetched === 0 && waited > 0 && elapsed < idleMs) await this.pause(idleMs - elapsed, signal);
      } catch (error) {
        if (signal.aborted) break;
        this.failures += 1;
        this.state = 'retrying';
        const retryInMs = backoffDelay(this.failures, this.options.minBackoffMs ?? 500, this.options.maxBackoffMs ?? 30_000);
        this.options.logger.warn(
          { err: error, failures: this.failures, retryInMs },
          'members event log unreadable: access tokens of sessions ended meanwhile are accepted until they expire; retrying',
        );
        this.firstAttemptDone();
        await this.pause(retryInMs, signal);
      }
    }
  }

  private apply(event: DomainEvent): void {
    const now = this.now();
    const margin = this.options.marginMs ?? DEFAULT_MARGIN_MS;
    try {
      switch (event.type) {
        case SESSION_ENDED: {
          const { sessionId, memberId, tokensExpireBy } = sessionEndedPayload(event);
          const dropAt = Date.parse(tokensExpireBy) + margin;
          if (dropAt <= now) return;
          this.endedSessions.set(sessionId, Math.max(dropAt, this.endedSessions.get(sessionId) ?? 0));
          this.notify(memberId);
          return;
        }
        case MEMBER_ACCESS_CHANGED: {
          const { memberId, status, role, departments, tokensExpireBy } = memberAccessChangedPayload(event);
          const dropAt = Date.parse(tokensExpireBy) + margin;
          if (dropAt <= now || this.access.get(memberId)?.erased) return;
          // The log is in order: the latest change is the member's access now.
          this.access.set(memberId, { status, role, departments, erased: false, dropAt });
          this.notify(memberId);
          return;
        }
        case MEMBER_ERASED: {
          const { memberId } = memberErasedPayload(event);
          // Its payload says nothing of tokens: the look-back covers the longest access token.
          const dropAt = event.occurredAt.getTime() + this.options.lookbackSeconds * 1000 + margin;
          if (dropAt <= now) return;
          this.access.set(memberId, { status: 'LEFT', role: 'PROMENEUR', departments: [], erased: true, dropAt });
          this.notify(memberId);
          return;
        }
        default:
          return;
      }
    } catch (error) {
      // One event that cannot be read must not hold back the revocations after it.
      this.options.logger.error({ err: error, eventId: event.id, type: event.type, version: event.version }, 'unreadable event in members log: skipped');
    }
  }

  /** Open connections of the member whose token is now void are told. */
  private notify(memberId: string): void {
    const watchers = this.watchers.get(memberId);
    if (!watchers) return;
    for (const watcher of [...watchers]) {
      const refused = this.refusal(watcher.claims);
      if (!refused) continue;
      watchers.delete(watcher);
      try {
        watcher.onRefused(refused);
      } catch (error) {
        this.options.logger.error({ err: error }, 'closing a connection of an ended session failed');
      }
    }
    if (watchers.size === 0) this.watchers.delete(memberId);
  }

  private prune(): void {
    const now = this.now();
    for (const [sessionId, dropAt] of this.endedSessions) if (dropAt <= now) this.endedSessions.delete(sessionId);
    for (const [memberId, access] of this.access) if (access.dropAt <= now) this.access.delete(memberId);
  }

  private noteLifetime({ issuedAt, expiresAt }: TokenClaims): void {
    if (this.warnedAboutLifetime || issuedAt === undefined || expiresAt === undefined) return;
    if (expiresAt - issuedAt <= this.options.lookbackSeconds) return;
    this.warnedAboutLifetime = true;
    this.options.logger.warn(
      { tokenLifetimeSeconds: expiresAt - issuedAt, lookbackSeconds: this.options.lookbackSeconds },
      'access tokens live longer than SESSION_REVOCATIONS_LOOKBACK_SECONDS: a gateway that starts may accept tokens of sessions ended before it',
    );
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    await sleep(ms, undefined, { signal, ref: false }).catch(() => {});
  }
}

/** The follower of members' log at `settings.eventsUrl`, signed like the gateway's other calls to subgraphs. */
export function createSessionRevocations(settings: SessionRevocationSettings, identitySigningKey: string, logger: Logger): SessionRevocations {
  return new SessionRevocations({
    source: new HttpEventSource({ producer: 'members', url: settings.eventsUrl, identitySigningKey }),
    logger: logger.child({ component: 'session-revocations' }),
    lookbackSeconds: settings.lookbackSeconds,
    waitSeconds: settings.waitSeconds,
    minBackoffMs: settings.minBackoffMs,
    maxBackoffMs: settings.maxBackoffMs,
  });
}
