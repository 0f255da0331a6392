import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bannerLines, curlCommand } from './banner.js';
import { unavailablePorts } from './ports.js';
import { childEnvironment, describeDatabases, discoverSubgraphs, duplicatePorts, gatewaySpec, type ProcessSpec } from './processes.js';

function workspaceWith(built: string[], unbuilt: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'pdn-dev-'));
  mkdirSync(join(root, 'tools/compose'), { recursive: true });
  writeFileSync(
    join(root, 'tools/compose/subgraphs.json'),
    JSON.stringify({ subgraphs: [{ name: 'members', port: 4001 }, { name: 'calendar', port: 4002 }, { name: 'feed', port: 4003 }] }),
  );
  for (const name of built) {
    mkdirSync(join(root, 'services', name, 'dist'), { recursive: true });
    writeFileSync(join(root, 'services', name, 'dist/main.js'), '');
  }
  for (const name of unbuilt) mkdirSync(join(root, 'services', name, 'src'), { recursive: true });
  return root;
}

describe('the processes to start', () => {
  it('should start every built subgraph, in composition order, and only those', () => {
    const root = workspaceWith(['feed', 'members'], ['calendar']);
    expect(discoverSubgraphs({}, root).map((s) => [s.name, s.port, s.portVariable])).toEqual([
      ['members', 4001, 'MEMBERS_PORT'],
      ['feed', 4003, 'FEED_PORT'],
    ]);
  });

  it('should take ports and hosts from the environment and refuse a bad port', () => {
    const root = workspaceWith(['members']);
    const [members] = discoverSubgraphs({ MEMBERS_PORT: '5001', MEMBERS_HOST: '0.0.0.0' }, root);
    expect(members).toMatchObject({ port: 5001, host: '0.0.0.0' });
    expect(() => discoverSubgraphs({ MEMBERS_PORT: 'http' }, root)).toThrow(/MEMBERS_PORT/);
    expect(gatewaySpec({ GATEWAY_PORT: '8080' }, root)).toMatchObject({ name: 'gateway', port: 8080 });
  });

  it('should give an unknown subgraph a port after the known ones', () => {
    const root = workspaceWith(['members', 'reports']);
    expect(discoverSubgraphs({}, root).map((s) => [s.name, s.port])).toEqual([
      ['members', 4001],
      ['reports', 4004],
    ]);
  });

  it('should pass the environment through, in development, with the demo admin and every URL unless set', () => {
    const specs: ProcessSpec[] = [
      { name: 'members', kind: 'subgraph', entry: '', host: '127.0.0.1', port: 5001, portVariable: 'MEMBERS_PORT' },
      { name: 'feed', kind: 'subgraph', entry: '', host: '127.0.0.1', port: 5003, portVariable: 'FEED_PORT' },
      { name: 'gateway', kind: 'gateway', entry: '', host: '127.0.0.1', port: 5000, portVariable: 'GATEWAY_PORT' },
    ];
    const env = childEnvironment(
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/pdn', FEED_URL: 'http://elsewhere/graphql', PDN_ADMIN_PASSWORD: 'mine-mine-mine' },
      specs,
      { logLevel: 'info', adminDefaults: { PDN_ADMIN_EMAIL: 'admin@pdn32.test', PDN_ADMIN_PASSWORD: 'default-pass' } },
    );
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://db/pdn',
      PDN_ADMIN_EMAIL: 'admin@pdn32.test',
      PDN_ADMIN_PASSWORD: 'mine-mine-mine',
      MEMBERS_PORT: '5001',
      GATEWAY_PORT: '5000',
      MEMBERS_URL: 'http://127.0.0.1:5001/graphql',
      FEED_URL: 'http://elsewhere/graphql',
    });
  });

  it('should name the databases without their credentials', () => {
    const specs = discoverSubgraphs({}, workspaceWith(['members', 'calendar']));
    expect(describeDatabases({}, specs)).toBe('members: embedded PGlite (.data/members), calendar: embedded PGlite (.data/calendar)');
    expect(describeDatabases({ DATABASE_URL: 'postgres://pdn:secret@db:5432/pdn', CALENDAR_DATABASE_URL: 'postgres://u:p@cal/cal' }, specs)).toBe(
      'members: PostgreSQL postgres://db:5432/pdn (schema members), calendar: PostgreSQL postgres://cal/cal',
    );
  });

  it('should notice two processes on one port', () => {
    const specs = [...discoverSubgraphs({ MEMBERS_PORT: '4000' }, workspaceWith(['members'])), gatewaySpec({})];
    expect(duplicatePorts(specs)).toMatch(/members \(MEMBERS_PORT\) and gateway \(GATEWAY_PORT\) are both set to port 4000/);
  });
});

describe('ports', () => {
  it('should say which port is taken and which variable moves it', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const problems = await unavailablePorts([
        { name: 'members', kind: 'subgraph', entry: '', host: '127.0.0.1', port, portVariable: 'MEMBERS_PORT' },
      ]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`port ${port} (members) is already in use`);
      expect(problems[0]).toContain('MEMBERS_PORT');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await unavailablePorts([{ name: 'members', kind: 'subgraph', entry: '', host: '127.0.0.1', port, portVariable: 'MEMBERS_PORT' }])).toEqual([]);
  });
});

describe('the banner', () => {
  it('should print a curl command a shell runs as is', () => {
    const command = curlCommand('http://127.0.0.1:4000/graphql', `{ structures(filter: { search: "l'Isle" }) { totalCount } }`);
    expect(command).toContain(`--data '{"query":"{ structures(filter: { search: \\"l'\\''Isle\\" }) { totalCount } }"}'`);
  });

  it('should list the URL and every demo login', () => {
    const text = bannerLines({
      gatewayUrl: 'http://127.0.0.1:4000/graphql',
      subgraphs: [{ name: 'members', url: 'http://127.0.0.1:4001/graphql' }],
      logins: [{ role: 'ADMIN', who: 'admin', email: 'admin@pdn32.test', password: 'admin-pdn32-demo' }],
      color: false,
    }).join('\n');
    expect(text).toContain('http://127.0.0.1:4000/graphql');
    expect(text).toMatch(/ADMIN\s+admin@pdn32.test\s+admin-pdn32-demo\s+admin/);
    expect(text).toContain('curl -s http://127.0.0.1:4000/graphql');
  });
});
