import 'reflect-metadata';
import { createTestDatabase, type TestDatabase } from '@pdn/database';
import { PdnClient } from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { membersSchema, type MembersSchema } from '@pdn/members/db';
import { MEMBERS_MIGRATIONS, startMembers } from '@pdn/members/app';
import { loadMembersSettings } from '@pdn/members/config';
import type { RunningSubgraph } from '@pdn/subgraph';

export const ADMIN = { email: 'admin@e2e.test', password: 'admin-password-e2e' };

/** Settable time for the members subgraph (invitation expiry, throttling). */
export class TestClock {
  private offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export interface RunningSystem {
  gatewayUrl: string;
  anonymous: PdnClient;
  clock: TestClock;
  membersDatabase: TestDatabase<MembersSchema>;
  stopMembers(): Promise<void>;
  restartMembers(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The system as clients meet it: the members subgraph on a fresh database (PostgreSQL when
 * TEST_DATABASE_URL is set) and the gateway from the committed supergraph, both real HTTP servers on
 * free ports.
 */
export async function startSystem(): Promise<RunningSystem> {
  const membersDatabase = await createTestDatabase({ service: 'members', migrationsFolder: MEMBERS_MIGRATIONS, schema: membersSchema });
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
  const gateway: RunningGateway = await createGateway(
    loadGatewayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', GATEWAY_PORT: '0', MEMBERS_URL: members.url, MEMBERS_TIMEOUT_MS: '3000' }),
  );
  return {
    gatewayUrl: gateway.url,
    anonymous: new PdnClient(gateway.url),
    clock,
    membersDatabase,
    stopMembers: async () => {
      await members?.close();
      members = undefined;
    },
    restartMembers: async () => {
      members = await startMembers({ ...settings, MEMBERS_PORT: Number(membersPort) }, { database: membersDatabase.database, clock });
    },
    close: async () => {
      await gateway.stop();
      await members?.close();
      await membersDatabase.dispose();
    },
  };
}
