import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';
import { emailOutbox, invitations, members, structures, type StructureRow } from '../db/members.tables.js';
import type { Executor } from '../auth/auth.repository.js';
import { secretSafe } from '../auth/query-errors.js';
import type { InvitationEmail } from './invitation-email.js';

export type InvitationRow = typeof invitations.$inferSelect;
export type NewInvitation = typeof invitations.$inferInsert;

@Injectable()
export class InvitationsRepository {
  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  get db(): Executor {
    return this.database.db;
  }

  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    return secretSafe(() => this.db.transaction(work));
  }

  async findStructure(id: string, tx: Executor = this.db): Promise<StructureRow | undefined> {
    const [row] = await tx.select().from(structures).where(eq(structures.id, id)).limit(1);
    return row;
  }

  /**
   * Serialises, until the transaction ends, everything that invites or admits one e-mail address: two
   * coordinators inviting the same person at once leave one pending invitation, not two.
   */
  async lockEmail(email: string, tx: Executor): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`invitation:${email.toLowerCase()}`}, 0))`);
  }

  async memberExistsWithEmail(email: string, tx: Executor = this.db): Promise<boolean> {
    const [row] = await tx
      .select({ id: members.id })
      .from(members)
      .where(sql`lower(${members.email}) = ${email.toLowerCase()}`)
      .limit(1);
    return !!row;
  }

  /** Ends the address's pending invitations now: the newest invitation replaces them. */
  async expirePending(email: string, now: Date, tx: Executor): Promise<void> {
    await tx
      .update(invitations)
      .set({ expiresAt: now })
      .where(
        and(
          sql`lower(${invitations.email}) = ${email.toLowerCase()}`,
          isNull(invitations.acceptedAt),
          gt(invitations.expiresAt, now),
        ),
      );
  }

  async insert(values: NewInvitation, tx: Executor): Promise<InvitationRow> {
    const [row] = await tx.insert(invitations).values(values).returning();
    return row!;
  }

  async queueEmail(email: InvitationEmail, now: Date, tx: Executor): Promise<void> {
    await tx.insert(emailOutbox).values({ ...email, createdAt: now });
  }

  async findByTokenHash(
    tokenHash: string,
    tx: Executor = this.db,
    { forUpdate = false } = {},
  ): Promise<InvitationRow | undefined> {
    const query = tx.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).limit(1);
    const [row] = await secretSafe(() => (forUpdate ? query.for('update') : query));
    return row;
  }

  async markAccepted(id: string, memberId: string, now: Date, tx: Executor): Promise<void> {
    await tx.update(invitations).set({ acceptedAt: now, memberId }).where(eq(invitations.id, id));
  }
}
