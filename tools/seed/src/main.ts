// Seeds the demo Gers network through the gateway.
//   node tools/seed/dist/main.js [--gateway http://127.0.0.1:4000/graphql] [--force]
//   node tools/seed/dist/main.js --print-logins     the demo logins as JSON (what `npm start` prints)
// The admin comes from PDN_ADMIN_EMAIL / PDN_ADMIN_PASSWORD (demo defaults otherwise), the charter
// version from CHARTER_VERSION: the same variables the members subgraph reads.
import { parseArgs } from 'node:util';
import { PdnClientError } from '@pdn/client';
import { DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, adminCredentials, demoLogins } from './demo-logins.js';
import { DEFAULT_CHARTER_VERSION, DirectoryNotEmptyError, SeedStepError, seedNetwork } from './seed-network.js';

const USAGE = `Usage: node tools/seed/dist/main.js [--gateway URL] [--force] [--print-logins]

  --gateway URL    the gateway's GraphQL endpoint (default http://127.0.0.1:$GATEWAY_PORT/graphql, port 4000)
  --force          seed even if the directory already has structures (reuses what exists)
  --print-logins   print the demo logins as JSON and exit, seeding nothing

Environment: PDN_ADMIN_EMAIL, PDN_ADMIN_PASSWORD (the admin to sign in as), CHARTER_VERSION.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        gateway: { type: 'string' },
        force: { type: 'boolean', default: false },
        'print-logins': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`seed: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  const admin = adminCredentials();
  if (args['print-logins']) {
    // `npm start` reads this: the defaults it gives the members subgraph, and what to print.
    const adminDefaults = { PDN_ADMIN_EMAIL: DEFAULT_ADMIN_EMAIL, PDN_ADMIN_PASSWORD: DEFAULT_ADMIN_PASSWORD };
    console.log(JSON.stringify({ adminDefaults, logins: demoLogins(admin) }, null, 2));
    return 0;
  }

  const gatewayUrl = args.gateway ?? `http://127.0.0.1:${process.env.GATEWAY_PORT?.trim() || '4000'}/graphql`;
  console.log(`seed: seeding the demo Gers network through ${gatewayUrl}`);
  try {
    const report = await seedNetwork({
      gatewayUrl,
      admin,
      force: args.force,
      charterVersion: process.env.CHARTER_VERSION?.trim() || DEFAULT_CHARTER_VERSION,
      log: (line) => console.log(`seed: ${line}`),
    });
    console.log(`seed: done in ${(report.durationMs / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof DirectoryNotEmptyError) {
      console.error(`seed: ${error.message}`);
      return 3;
    }
    if (error instanceof SeedStepError || error instanceof PdnClientError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof TypeError && (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED') {
      console.error(`seed: nothing answers at ${gatewayUrl}: start the gateway first (npm start), or pass --gateway`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('seed: unexpected failure:', error);
    process.exit(1);
  },
);
