import 'reflect-metadata';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { PdnClient } from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { membersSchema, type MembersSchema } from '@pdn/members/db';
import { MEMBERS_MIGRATIONS, startMembers } from '@pdn/members/app';
import { loadMembersSettings } from '@pdn/members/config';
import { calendarSchema, type CalendarSchema } from '@pdn/calendar/db';
import { CALENDAR_MIGRATIONS, startCalendar } from '@pdn/calendar/app';
import { loadCalendarSettings } from '@pdn/calendar/config';
import type { RunningSubgraph } from '@pdn/subgraph';

export const ADMIN = { email: 'admin@e2e.test', password: 'admin-password-e2e' };

/** Settable time for the subgraphs (invitation expiry, throttling, deadlines, "online now"). */
export class TestClock {
  private offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
  /** From now on, `now()` starts at `instant` and runs on. */
  set(instant: Date) {
    this.offsetMs = instant.getTime() - Date.now();
  }
}

export interface RunningSystem {
  gatewayUrl: string;
  anonymous: PdnClient;
  clock: TestClock;
  membersDatabase: TestDatabase<MembersSchema>;
  calendarDatabase: TestDatabase<CalendarSchema>;
  stopMembers(): Promise<void>;
  restartMembers(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The system as clients meet it: every subgraph on a fresh database of its own (PostgreSQL when
 * TEST_DATABASE_URL is set) and the gateway from the committed supergraph, all real HTTP servers on
 * free ports.
 */
export async function startSystem(): Promise<RunningSystem> {
  const [membersDatabase, calendarDatabase] = await Promise.all([
    createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema }),
    createTestDatabase({ service: 'calendar', migrationsFolder: CALENDAR_MIGRATIONS, schema: calendarSchema }),
  ]);
  const clock = new TestClock();
  const settings = loadMembersSettings({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MEMBERS_PORT: '0',
    PDN_ADMIN_EMAIL: ADMIN.email,
    PDN_ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES: '3',
  });
  let members: RunningSubgraph | undefined = await startMembers(settings, { database: membersDatabase.database, clock });
  const membersPort = new URL(members.url).port;
  const calendar = await startCalendar(loadCalendarSettings({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CALENDAR_PORT: '0' }), {
    database: calendarDatabase.database,
    clock,
  });
  const gateway: RunningGateway = await createGateway(
    loadGatewayConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      GATEWAY_PORT: '0',
      MEMBERS_URL: members.url,
      CALENDAR_URL: calendar.url,
      SUBGRAPH_TIMEOUT_MS: '10000',
      MEMBERS_TIMEOUT_MS: '3000',
    }),
  );
  return {
    gatewayUrl: gateway.url,
    anonymous: new PdnClient(gateway.url),
    clock,
    membersDatabase,
    calendarDatabase,
    stopMembers: async () => {
      await members?.close();
      members = undefined;
    },
    restartMembers: async () => {
      members = await startMembers({ ...settings, MEMBERS_PORT: Number(membersPort) }, { database: membersDatabase.database, clock });
    },
    close: async () => {
      await gateway.stop();
      await Promise.all([members?.close(), calendar.close()]);
      await Promise.all([membersDatabase.dispose(), calendarDatabase.dispose()]);
    },
  };
}
