import { eq, sql } from 'drizzle-orm';
import type { Db } from '@pdn/database';
import { members, type MembersSchema } from '../db/members.tables.js';
import type { MembersSettings } from '../members.config.js';
import type { AuthLogger } from './auth.tokens.js';
import { insertMember } from './new-member.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { secretSafe } from './query-errors.js';

export type FirstAdminOutcome = 'not-configured' | 'exists' | 'created' | 'email-taken';

const FIRST_ADMIN_DEPARTMENT = '32';

/**
 * At start: when PDN_ADMIN_EMAIL and PDN_ADMIN_PASSWORD are set and the network has no ADMIN yet,
 * creates one, so a fresh installation can be signed into. Idempotent, and safe when replicas start
 * together: the unique e-mail index lets one insert win and the others do nothing.
 */
export async function ensureFirstAdmin(
  db: Db<MembersSchema>,
  settings: Pick<MembersSettings, 'PDN_ADMIN_EMAIL' | 'PDN_ADMIN_PASSWORD'>,
  logger: Pick<AuthLogger, 'info' | 'warn'>,
  now: Date = new Date(),
): Promise<FirstAdminOutcome> {
  const { PDN_ADMIN_EMAIL: email, PDN_ADMIN_PASSWORD: password } = settings;
  if (!email || !password) return 'not-configured';
  const [admin] = await db.select({ id: members.id }).from(members).where(eq(members.role, 'ADMIN')).limit(1);
  if (admin) return 'exists';

  checkPasswordPolicy(password, 'PDN_ADMIN_PASSWORD');
  const passwordHash = await hashPassword(password);
  const created = await secretSafe(() =>
    db.transaction((tx) =>
      insertMember(
        tx,
        {
          email,
          passwordHash,
          firstName: 'Administrateur',
          lastName: 'PDN',
          role: 'ADMIN',
          status: 'ACTIVE',
          department: FIRST_ADMIN_DEPARTMENT,
          structureId: null,
          structureName: null,
          now,
        },
        { reason: 'first administrator, created at start', selfAuthored: false },
      ),
    ),
  );
  if (created) {
    logger.info({ event: 'first-admin-created', memberId: created.id }, 'first administrator created from PDN_ADMIN_EMAIL');
    return 'created';
  }
  // Another replica created it a moment ago, or the address belongs to a member who is not an admin
  // (never promoted silently: an administrator must do that).
  const [owner] = await db.select({ role: members.role }).from(members).where(sql`lower(${members.email}) = ${email.toLowerCase()}`);
  if (owner?.role === 'ADMIN') return 'exists';
  logger.warn(
    { event: 'first-admin-email-taken' },
    'PDN_ADMIN_EMAIL belongs to a member who is not an admin: no administrator was created',
  );
  return 'email-taken';
}
