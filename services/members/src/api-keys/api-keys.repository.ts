import { Inject, Injectable } from '@nestjs/common';
import { and, arrayOverlaps, desc, eq, isNull, lte, or } from 'drizzle-orm';
import { MEMBERS_DATABASE, type MembersDatabase } from '../common/tokens.js';
import { apiKeys, type ApiKeyRow, type NewApiKey } from '../db/api-keys.tables.js';
import { secretSafe } from '../auth/query-errors.js';

export type { ApiKeyRow } from '../db/api-keys.tables.js';

/** Every statement that carries a secret's hash goes through secretSafe: no hash reaches the logs. */
@Injectable()
export class ApiKeysRepository {
  constructor(@Inject(MEMBERS_DATABASE) private readonly database: MembersDatabase) {}

  private get db() {
    return this.database.db;
  }

  async insert(values: NewApiKey): Promise<ApiKeyRow> {
    const [row] = await secretSafe(() => this.db.insert(apiKeys).values(values).returning());
    return row!;
  }

  async findById(id: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
    return row;
  }

  async findBySecretHash(secretHash: string): Promise<ApiKeyRow | undefined> {
    const [row] = await secretSafe(() => this.db.select().from(apiKeys).where(eq(apiKeys.secretHash, secretHash)).limit(1));
    return row;
  }

  /** Newest first; `departments` 'ALL' for admins, else the keys reaching at least one of them. */
  list(departments: string[] | 'ALL'): Promise<ApiKeyRow[]> {
    const query = this.db.select().from(apiKeys);
    const filtered = departments === 'ALL' ? query : query.where(arrayOverlaps(apiKeys.departments, departments));
    return filtered.orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  }

  /** Revokes the key unless it already is; returns the row as it stands afterwards. */
  async revoke(id: string, by: string, now: Date): Promise<ApiKeyRow | undefined> {
    const [updated] = await this.db
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: by })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning();
    return updated ?? this.findById(id);
  }

  /** Records a use, unless one was recorded after `staleBefore`: at most one write per key and period. */
  async touch(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, staleBefore))));
  }
}
