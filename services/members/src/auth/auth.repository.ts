import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '@pdn/database';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';
import { members, refreshTokens, sessions, type MemberRow, type MembersSchema } from '../db/members.tables.js';
import { secretSafe } from './query-errors.js';

/** The database or a transaction on it: repository methods take one to join the caller's transaction. */
export type Executor = Db<MembersSchema>;

export type SessionRow = typeof sessions.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/** Sessions, refresh tokens and the member lookups that signing in needs. */
@Injectable()
export class AuthRepository {
  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  get db(): Executor {
    return this.database.db;
  }

  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Case-insensitive, through the unique index on lower(email). */
  async findMemberByEmail(email: string, tx: Executor = this.db): Promise<MemberRow | undefined> {
    const [row] = await tx
      .select()
      .from(members)
      .where(sql`lower(${members.email}) = ${email.toLowerCase()}`)
      .limit(1);
    return row;
  }

  async findMemberById(id: string, tx: Executor = this.db): Promise<MemberRow | undefined> {
    const [row] = await tx.select().from(members).where(eq(members.id, id)).limit(1);
    return row;
  }

  async createSession(memberId: string, now: Date, expiresAt: Date, tx: Executor = this.db): Promise<SessionRow> {
    const [row] = await tx.insert(sessions).values({ memberId, createdAt: now, expiresAt }).returning();
    return row!;
  }

  async findSession(id: string, tx: Executor = this.db): Promise<SessionRow | undefined> {
    const [row] = await tx.select().from(sessions).where(eq(sessions.id, id)).limit(1);
    return row;
  }

  /** Each refresh pushes the session's end to the new token's end: a session dies after a period of disuse. */
  async extendSession(id: string, expiresAt: Date, tx: Executor = this.db): Promise<void> {
    await tx.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
  }

  // A session is revoked by endSession (session-events.ts), which also tells the gateways.

  async insertRefreshToken(
    sessionId: string,
    tokenHash: string,
    now: Date,
    expiresAt: Date,
    tx: Executor = this.db,
  ): Promise<void> {
    await secretSafe(() => tx.insert(refreshTokens).values({ sessionId, tokenHash, createdAt: now, expiresAt }));
  }

  /**
   * Marks an unexpired, never-used token as rotated and returns it, in one statement: of two requests
   * presenting the same token, exactly one gets it back (the other waits for the row lock, then finds
   * rotated_at set).
   */
  async claimRefreshToken(tokenHash: string, now: Date, tx: Executor = this.db): Promise<RefreshTokenRow | undefined> {
    const [row] = await secretSafe(() =>
      tx
        .update(refreshTokens)
        .set({ rotatedAt: now })
        .where(
          and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.rotatedAt), gt(refreshTokens.expiresAt, now)),
        )
        .returning(),
    );
    return row;
  }

  async findRefreshToken(tokenHash: string, tx: Executor = this.db): Promise<RefreshTokenRow | undefined> {
    const [row] = await secretSafe(() =>
      tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1),
    );
    return row;
  }
}
