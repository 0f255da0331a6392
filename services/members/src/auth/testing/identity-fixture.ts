import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import type { MemberStatus, Role } from '@pdn/identity';
import type { Clock } from '../../common/tokens.js';
import { members, membersSchema, structures, type MemberRow, type MembersSchema, type StructureRow } from '../../db/members.tables.js';
import { loadMembersSettings, type MembersSettings } from '../../members.config.js';
import { memberSearchColumns } from '../../members/member-search.js';
import { InvitationsRepository } from '../../invitations/invitations.repository.js';
import { InvitationsService } from '../../invitations/invitations.service.js';
import { AuthRepository } from '../auth.repository.js';
import { AuthService } from '../auth.service.js';
import type { AuthLogger } from '../auth.tokens.js';
import { LoginThrottle } from '../login-throttle.js';
import { hashPassword } from '../passwords.js';
import { ephemeralSigningKeySource, type SigningKeySource } from '../signing-key.js';
import { TokenSigner } from '../token-signer.js';

// Test support for the identity specs: a real database (TEST_DATABASE_URL or in-memory PGlite) with
// the members migrations, a clock the test moves, and a logger that keeps what it was given.

export const MEMBERS_MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url));

export class TestClock implements Clock {
  constructor(private current: Date = new Date('2026-03-02T09:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}

export class RecordingLogger implements AuthLogger {
  readonly lines: { level: string; obj: object; msg?: string }[] = [];
  info(obj: object, msg?: string) {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.lines.push({ level: 'error', obj, msg });
  }
  /** Everything logged, as one string, to look for secrets in. */
  text(): string {
    return JSON.stringify(this.lines);
  }
}

export interface IdentityFixture {
  testDatabase: TestDatabase<MembersSchema>;
  db: TestDatabase<MembersSchema>['database']['db'];
  settings: MembersSettings;
  clock: TestClock;
  logger: RecordingLogger;
  keySource: SigningKeySource;
  signer: TokenSigner;
  auth: AuthService;
  invitations: InvitationsService;
  createStructure(values?: Partial<typeof structures.$inferInsert>): Promise<StructureRow>;
  createMember(values: MemberSeed): Promise<MemberRow>;
  dispose(): Promise<void>;
}

export interface MemberSeed {
  email: string;
  password?: string;
  role?: Role;
  status?: MemberStatus;
  department?: string;
  coordinatedDepartments?: string[];
  firstName?: string;
  lastName?: string;
  structureId?: string | null;
}

export async function createIdentityFixture(env: Record<string, string> = {}): Promise<IdentityFixture> {
  const testDatabase = await createTestDatabase({
    service: 'members',
    migrationsFolder: MEMBERS_MIGRATIONS,
    schema: membersSchema,
  });
  const database = testDatabase.database;
  const settings = loadMembersSettings({ NODE_ENV: 'test', ...env });
  const clock = new TestClock();
  const logger = new RecordingLogger();
  const keySource = ephemeralSigningKeySource();
  const signer = new TokenSigner(keySource, settings, clock);
  const auth = new AuthService(
    new AuthRepository(database),
    new LoginThrottle(database, settings, clock),
    signer,
    settings,
    clock,
    logger,
  );
  const invitations = new InvitationsService(new InvitationsRepository(database), auth, settings, clock, logger);
  let structureCount = 0;

  return {
    testDatabase,
    db: database.db,
    settings,
    clock,
    logger,
    keySource,
    signer,
    auth,
    invitations,
    async createStructure(values = {}) {
      structureCount += 1;
      const name = values.name ?? `BIJ ${structureCount}`;
      const [row] = await database.db
        .insert(structures)
        .values({ name, kind: 'YOUTH_INFORMATION', commune: 'Auch', department: '32', searchText: name.toLowerCase(), ...values })
        .returning();
      return row!;
    },
    async createMember(seed) {
      const firstName = seed.firstName ?? 'Camille';
      const lastName = seed.lastName ?? 'Durand';
      const displayName = firstName;
      const [row] = await database.db
        .insert(members)
        .values({
          email: seed.email,
          passwordHash: seed.password ? await hashPassword(seed.password) : null,
          firstName,
          lastName,
          displayName,
          role: seed.role ?? 'PROMENEUR',
          status: seed.status ?? 'ACTIVE',
          department: seed.department ?? '32',
          coordinatedDepartments: seed.coordinatedDepartments ?? [],
          structureId: seed.structureId ?? null,
          ...memberSearchColumns({ firstName, lastName, displayName }),
        })
        .returning();
      return row!;
    },
    dispose: () => testDatabase.dispose(),
  };
}
