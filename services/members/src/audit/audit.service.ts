import { Inject, Injectable } from '@nestjs/common';
import { validate } from '@pdn/domain';
import { badInput } from '@pdn/errors';
import { decodeCursor, pageSize, toConnection, type Connection } from '@pdn/pagination';
import { CLOCK, MEMBERS_SETTINGS, type Clock } from '../common/tokens.js';
import type { AuditEntryRow } from '../db/audit.tables.js';
import type { MembersSettings } from '../members.config.js';
import type { AuditFilter } from './audit.model.js';
import { AuditRepository, type AuditCursor } from './audit.repository.js';

const ORDERING = 'audit:newest';
const DAY_MS = 86_400_000;

@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The log, newest first, narrowed by reader, subject and period (admins: the resolver checks). */
  async list(filter: AuditFilter | null | undefined, first?: number | null, after?: string | null): Promise<Connection<AuditEntryRow>> {
    const limit = pageSize(first);
    const cursor = auditCursor(decodeCursor(after, ORDERING, 2));
    const id = (field: 'actorId' | 'subjectId') => {
      const value = filter?.[field];
      if (!value) return null;
      if (!validate.isUuid(value)) throw badInput(`filter.${field}`, `"${value}" is not an id.`);
      return value;
    };
    const from = filter?.from ?? null;
    const to = filter?.to ?? null;
    if (from && to && to.getTime() < from.getTime()) throw badInput('filter.to', '`to` must not be before `from`.');
    const { rows, total } = await this.repository.page({ actorId: id('actorId'), subjectId: id('subjectId'), from, to }, limit + 1, cursor);
    return toConnection(rows, limit, ORDERING, (e) => [e.at.toISOString(), e.id], total);
  }

  /** Deletes what is older than the retention (AUDIT_RETENTION_DAYS); null when another replica is at it. */
  purgeExpired(now: Date = this.clock.now()): Promise<number | null> {
    return this.repository.purgeOlderThan(new Date(now.getTime() - this.settings.AUDIT_RETENTION_DAYS * DAY_MS));
  }
}

function auditCursor(values: unknown[] | null): AuditCursor | null {
  if (!values) return null;
  const [at, id] = values;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !validate.isUuid(id)) {
    throw badInput('after', 'This cursor is not valid for this list.');
  }
  return [at, id];
}
