// `npm start` (after `npm run build`): every built subgraph, then the gateway, as child processes in
// development mode; the demo seed on first start; then the URL, the demo logins and a query to try.
// Ctrl-C stops everything; a process that dies stops everything too, after showing its last lines.
//
//   node tools/dev/dist/start.js [--no-seed]
//
// Environment (all optional): GATEWAY_PORT, MEMBERS_PORT, CALENDAR_PORT, FEED_PORT (4000–4003),
// DATABASE_URL or <SERVICE>_DATABASE_URL (PostgreSQL; embedded PGlite under .data/ otherwise),
// PDN_ADMIN_EMAIL / PDN_ADMIN_PASSWORD (the first admin; demo defaults otherwise), LOG_LEVEL (children
// log at info and the console shows warn and above, unless it is set), PDN_SEED=false (no demo seed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PdnClient, StructuresDocument } from '@pdn/client';
import { ManagedChild, describeExit } from './child.js';
import { prefix, logLevels, type FormatOptions } from './log-lines.js';
import { unavailablePorts } from './ports.js';
import {
  baseUrl,
  childEnvironment,
  describeDatabases,
  discoverSubgraphs,
  duplicatePorts,
  gatewaySpec,
  workspaceRoot,
  type ProcessSpec,
} from './processes.js';
import { waitUntilReady } from './readiness.js';
import { printBanner, type DemoLogin } from './banner.js';

const READY_TIMEOUT_MS = Number(process.env.DEV_READY_TIMEOUT_MS) || 120_000;
const SEED_ENTRY = join(workspaceRoot, 'tools/seed/dist/main.js');

const color = process.stdout.isTTY && !process.env.NO_COLOR;
let format: FormatOptions = { color, nameWidth: 8 };
const out = (line: string) => process.stdout.write(`${line}\n`);
const say = (line: string) => out(`${prefix('dev', format)} ${line}`);
const shout = (line: string) => process.stderr.write(`${prefix('dev', format)} ${color ? `\x1b[31m${line}\x1b[0m` : line}\n`);

const children: ManagedChild[] = [];
let stopping = false;

/** Stops the gateway first (no new requests reach the subgraphs), then the rest together. */
async function stopAll(): Promise<void> {
  const running = children.filter((c) => c.running);
  const gateway = running.filter((c) => c.name === 'gateway');
  await Promise.all(gateway.map((c) => c.stop()));
  await Promise.all(running.filter((c) => c.name !== 'gateway').map((c) => c.stop()));
}

/** Ends the run with a non-zero status: shows why (and the last lines of a process that died), stops the rest. */
async function fail(message: string, child?: ManagedChild): Promise<never> {
  if (!stopping) {
    stopping = true;
    shout(message);
    if (child) {
      const lines = child.lastLines();
      if (lines.length > 0) {
        shout(`last lines of ${child.name}:`);
        for (const line of lines) process.stderr.write(`${line}\n`);
      }
    }
    if (children.some((c) => c.running)) say('stopping the other processes…');
    await stopAll();
    process.exit(1);
  }
  // Someone else is already stopping everything: wait for them to exit.
  return new Promise<never>(() => {});
}

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    // A second Ctrl-C: no more patience.
    for (const child of children) child.kill();
    process.exit(130);
  }
  stopping = true;
  out('');
  say(`${signal}: stopping ${children.filter((c) => c.running).map((c) => c.name).join(', ') || 'nothing'}… (Ctrl-C again to kill)`);
  stopAll().then(
    () => {
      say('stopped');
      process.exit(0);
    },
    (error: unknown) => {
      shout(`could not stop cleanly: ${String(error)}`);
      process.exit(1);
    },
  );
}

interface SeedInfo {
  adminDefaults: { PDN_ADMIN_EMAIL: string; PDN_ADMIN_PASSWORD: string };
  logins: DemoLogin[];
}

/** The demo admin defaults and logins, from the seed package (their one home), without seeding. */
function readSeedInfo(): SeedInfo {
  const result = spawnSync(process.execPath, [SEED_ENTRY, '--print-logins'], { cwd: workspaceRoot, env: process.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${SEED_ENTRY} --print-logins failed:\n${result.stderr || result.stdout}`);
  return JSON.parse(result.stdout) as SeedInfo;
}

function startChild(spec: ProcessSpec, env: Record<string, string>, display: ReturnType<typeof logLevels>['display']): ManagedChild {
  const child = new ManagedChild({
    name: spec.name,
    command: process.execPath,
    args: ['--enable-source-maps', spec.entry],
    cwd: workspaceRoot,
    env,
    display,
    format,
    write: out,
  });
  children.push(child);
  void child.exited.then((exit) => {
    if (!stopping) void fail(`${spec.name} ${describeExit(exit)}`, child);
  });
  return child;
}

async function ready(spec: ProcessSpec, child: ManagedChild): Promise<void> {
  const started = Date.now();
  const url = `${baseUrl(spec)}/readyz`;
  const outcome = await waitUntilReady(url, () => child.running && !stopping, READY_TIMEOUT_MS);
  if (outcome === 'ready') {
    say(`${spec.name} ready on ${baseUrl(spec)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return;
  }
  if (outcome === 'timeout') await fail(`${spec.name} was not ready after ${READY_TIMEOUT_MS / 1000} s (${url})`, child);
  // It exited (its exit handler reports it) or we are stopping: wait for the process to end.
  await new Promise<never>(() => {});
}

/** Runs the demo seed when the directory is empty (first start). */
async function seedIfEmpty(gatewayUrl: string, env: Record<string, string>): Promise<void> {
  let count: number;
  try {
    const result = await new PdnClient(gatewayUrl).request(StructuresDocument, { first: 1 });
    if (!result.data) throw new Error(result.errors?.map((e) => e.message).join('; ') ?? `HTTP ${result.status}`);
    count = result.data.structures.totalCount;
  } catch (error) {
    shout(`could not count the structures through the gateway (${(error as Error).message}): demo seed skipped`);
    return;
  }
  if (count > 0) {
    say(`the directory has ${count} structure${count === 1 ? '' : 's'}: demo seed skipped (first start only)`);
    return;
  }
  say('empty directory: seeding the demo Gers network (first start)…');
  const seed = new ManagedChild({
    name: 'seed',
    command: process.execPath,
    args: ['--enable-source-maps', SEED_ENTRY, '--gateway', gatewayUrl],
    cwd: workspaceRoot,
    env,
    display: 'trace',
    format,
    write: out,
  });
  children.push(seed);
  const exit = await seed.exited;
  if (stopping) return;
  if (exit.code !== 0) {
    shout(`the demo seed ${describeExit(exit)}: the API runs without (all of) the demo data. Retry: node tools/seed/dist/main.js --force`);
  }
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { 'no-seed': { type: 'boolean', default: false } } });
  const env = process.env;
  const levels = logLevels(env);

  const subgraphs = discoverSubgraphs(env);
  const gateway = gatewaySpec(env);
  const all = [...subgraphs, gateway];
  format = { color, nameWidth: Math.max(8, ...all.map((s) => s.name.length)) };

  const missing: string[] = [];
  if (!subgraphs.some((s) => s.name === 'members')) missing.push('services/members/dist/main.js');
  if (!existsSync(gateway.entry)) missing.push('gateway/dist/main.js');
  if (!existsSync(SEED_ENTRY)) missing.push('tools/seed/dist/main.js');
  if (missing.length > 0) return fail(`not built: ${missing.join(', ')}. Run \`npm run build\` first (npm start does).`);

  const clash = duplicatePorts(all);
  if (clash) return fail(`${clash}: give each process its own port`);
  const taken = await unavailablePorts(all);
  if (taken.length > 0) return fail(taken.join('\n'));

  const seedInfo = readSeedInfo();
  const childEnv = childEnvironment(env, all, { logLevel: levels.child, adminDefaults: seedInfo.adminDefaults });

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal); // the terminal closed
  // The children run in process groups of their own (see ManagedChild): never leave one behind.
  process.on('exit', () => {
    for (const child of children) child.kill();
  });

  say(`starting ${subgraphs.map((s) => `${s.name} (:${s.port})`).join(', ')}, then gateway (:${gateway.port})`);
  say(`data: ${describeDatabases(env, subgraphs)}`);
  say(
    env.LOG_LEVEL
      ? `showing the processes' logs from level ${levels.display} (LOG_LEVEL)`
      : 'showing warnings and errors only (set LOG_LEVEL=info or debug for more)',
  );

  // Subgraphs do not need each other to start: all at once, the gateway once they are all ready.
  const started = subgraphs.map((spec) => ({ spec, child: startChild(spec, childEnv, levels.display) }));
  await Promise.all(started.map(({ spec, child }) => ready(spec, child)));
  const gatewayChild = startChild(gateway, childEnv, levels.display);
  await ready(gateway, gatewayChild);

  const gatewayUrl = `${baseUrl(gateway)}/graphql`;
  const skipSeed = args['no-seed'] || /^(0|false|no)$/i.test(env.PDN_SEED?.trim() ?? '');
  if (skipSeed) say('demo seed skipped (--no-seed / PDN_SEED)');
  else await seedIfEmpty(gatewayUrl, childEnv);
  if (stopping) return;

  printBanner(out, {
    gatewayUrl,
    subgraphs: subgraphs.map((s) => ({ name: s.name, url: `${baseUrl(s)}/graphql` })),
    logins: seedInfo.logins,
    color,
  });
}

main().catch((error: unknown) => fail(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
