import { PdnClient } from '@pdn/client';
import { createGateway, loadGatewayConfig, type RunningGateway } from '@pdn/gateway';
import { SubgraphProcess } from './subgraph-process.js';

export const ADMIN = { email: 'admin@e2e.test', password: 'admin-password-e2e' };

export interface RunningSystem {
  gatewayUrl: string;
  anonymous: PdnClient;
  members: SubgraphProcess;
  calendar: SubgraphProcess;
  close(): Promise<void>;
}

/**
 * The system as clients meet it: every subgraph built and running in its own process on a fresh
 * database (PostgreSQL when TEST_DATABASE_URL is set), and the gateway from the committed supergraph,
 * all real HTTP servers on free ports. Needs `npm run build` first (`npm test` does it).
 */
export async function startSystem(): Promise<RunningSystem> {
  const [members, calendar] = await Promise.all([
    SubgraphProcess.start('members', { PDN_ADMIN_EMAIL: ADMIN.email, PDN_ADMIN_PASSWORD: ADMIN.password, LOGIN_MAX_FAILURES: '3' }),
    SubgraphProcess.start('calendar'),
  ]);
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
    members,
    calendar,
    close: async () => {
      await gateway.stop();
      await Promise.all([members.dispose(), calendar.dispose()]);
    },
  };
}
