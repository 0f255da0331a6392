// S6, subscription fan-out (issue 7): thousands of graphql-ws clients subscribed through our gateway
// to `alertRaised` with fields of the members subgraph (`raisedBy { displayName structure { name } }`),
// a coordinator raising alerts at a steady pace, and what each client sees: the delay from the moment
// just before the `raiseAlert` request is sent to the moment the alert is read on the client's socket,
// whether every client got every alert, and the gateway's memory.
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtFile, sampleProcess } from '../load/pinned-process.js';
import { percentile } from '../load/stats.js';
import { type CpuProfileSummary, readCpuProfile } from '../report/cpu-profile.js';
import { alertTitle, type S6ChildMessage, type S6ClientProblems, type S6ClientResult, type S6Status } from './s6-protocol.js';
import { createS6People, graphqlRequest, startS6System, type S6System } from './s6-system.js';

export interface FanoutOptions {
  clients: number;
  alerts: number;
  /** Between two raises (ms): alerts are raised on a fixed schedule, not after the previous one arrived. */
  intervalMs: number;
  /** Load processes the clients are spread over. */
  loadProcesses: number;
  /** Distinct promeneurs whose tokens the clients share (round-robin). */
  members: number;
  /** Départements the promeneurs are spread over (round-robin); every alert names them all. */
  departments: number;
  databaseServerUrl: string;
  redisUrl?: string;
  workDir: string;
  cpuProfile?: boolean;
  /** Gateway settings added to the benchmark's (S6_GATEWAY_SETTINGS); reported with the result. */
  gatewayEnv?: Record<string, string>;
  /** After the last raise, how long missing deliveries are waited for before they count as missing. */
  drainTimeoutMs: number;
  /** Sockets each load process opens at once. */
  connectConcurrency: number;
  /** Progress lines (stderr); silent without. */
  log?: (line: string) => void;
}

export interface Distribution {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface FanoutResult {
  scenario: 'S6 subscription fan-out';
  startedAt: string;
  settings: Omit<FanoutOptions, 'log' | 'databaseServerUrl' | 'redisUrl' | 'workDir' | 'gatewayEnv'> & { redis: boolean; openFilesLimit: string };
  gatewaySettings: Record<string, string>;
  setup: {
    /** Time to open every socket and send every subscribe message. */
    connectSeconds: number;
    /** Warm-up alerts raised until every subscription was live end to end. */
    warmUpAlerts: number;
    /** What the gateway's /metrics said once every client had subscribed. */
    gatewayMetrics: {
      websocketConnections?: number;
      activeSubscriptions?: number;
      residentMemoryBytes?: number;
      /** The JavaScript heap in use, and memory held outside it (buffers): what the RSS is made of. */
      heapUsedBytes?: number;
      externalMemoryBytes?: number;
      /** Upstream subscriptions the gateway runs for them (one per audience: operation, variables, who asks). */
      sharedUpstreams?: number;
    };
  };
  /** Expected deliveries (clients × alerts), those received, and the ones that never came. */
  /**
   * Expected deliveries (clients × alerts), those received, and the ones missing: of these,
   * `errorsInstead` were answered by an error result during the measured phase, the rest never came.
   */
  deliveries: {
    expected: number;
    received: number;
    missing: number;
    errorsInstead: number;
    withErrors: number;
    wrongAuthor: number;
    duplicates: number;
  };
  problems: Omit<S6ClientProblems, 'deliveriesWithErrors' | 'wrongAuthor' | 'duplicates' | 'errorResults'> & {
    /** `raiseAlert` requests that failed (their alerts may or may not have been raised). */
    raiseFailures: string[];
  };
  /** Raise → receipt, over every delivery (ms). */
  latencyMs: Distribution;
  /** Per alert, in the order raised: a backlog shows as latencies growing from one alert to the next. */
  perAlert: { index: number; received: number; p50: number; p99: number; max: number; raiseMs: number }[];
  /** The `raiseAlert` requests themselves (ms). */
  raiseLatencyMs: Distribution;
  memory: {
    gatewayRssBeforeClientsBytes: number;
    gatewayRssSubscribedBytes: number;
    /** Highest RSS sampled (every 100 ms), or the kernel's high-water mark, whichever is higher. */
    gatewayPeakRssBytes: number;
    feedPeakRssBytes: number;
    membersPeakRssBytes: number;
  };
  /** The gateway's open file descriptors at most (sampled every second): client sockets, feed sockets, members connections. */
  gatewayPeakOpenFiles: number;
  /** CPU seconds during the measured phase (raises and drain). */
  cpuSeconds: { gateway: number; feed: number; members: number; load: number };
  /** The load processes' own event-loop delay: large values mean receipts were read late by the load itself. */
  loadEventLoopDelayMs: { p99: number; max: number }[];
  measuredSeconds: number;
  targets: { p99Ms: number; rssBytes: number; missing: number; met: { p99: boolean; rss: boolean; missing: boolean } };
  gatewayProfile?: CpuProfileSummary;
}

export const S6_TARGETS = { p99Ms: 1000, rssBytes: 1024 ** 3, missing: 0 };

const RAISE = 'mutation S6RaiseAlert($input: RaiseAlertInput!) { raiseAlert(input: $input) { id } }';
const wallClock = () => performance.timeOrigin + performance.now();

function distribution(values: number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  const sum = values.reduce((a, b) => a + b, 0);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : 0),
    mean: round(values.length ? sum / values.length : 0),
  };
}

function openFilesLimit(): string {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line?.replace('Max open files', '').trim().split(/\s+/) ?? [];
    return `${soft} (hard ${hard})`;
  } catch {
    return 'unknown';
  }
}

function openFiles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

function residentBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function gatewayMetrics(gatewayUrl: string): Promise<FanoutResult['setup']['gatewayMetrics']> {
  try {
    const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
    const value = (name: string) => {
      const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return match ? Number(match[1]) : undefined;
    };
    return {
      websocketConnections: value('pdn_gateway_websocket_connections'),
      activeSubscriptions: value('pdn_gateway_active_subscriptions'),
      residentMemoryBytes: value('pdn_process_resident_memory_bytes'),
      heapUsedBytes: value('pdn_nodejs_heap_size_used_bytes'),
      externalMemoryBytes: value('pdn_nodejs_external_memory_bytes'),
      sharedUpstreams: value('pdn_gateway_shared_subscriptions'),
    };
  } catch {
    return {};
  }
}

/** A load process, driven over IPC: one request at a time and its answer. */
class LoadProcess {
  private readonly waiting = new Map<string, (message: S6ChildMessage) => void>();
  private failure: string | undefined;
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: S6ChildMessage) => {
      if (message.type === 'failed') this.failure = message.message;
      const expected = message.type === 'failed' ? [...this.waiting.keys()] : [message.type];
      for (const type of expected) {
        const resolve = this.waiting.get(type);
        this.waiting.delete(type);
        resolve?.(message);
      }
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      this.failure ??= 'the load process exited';
      for (const resolve of this.waiting.values()) resolve({ type: 'failed', message: this.failure });
      this.waiting.clear();
    });
  }

  private ask<T extends S6ChildMessage['type']>(type: T, send?: () => void): Promise<Extract<S6ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(new Error(this.failure));
        return;
      }
      this.waiting.set(type, (message) => {
        if (message.type === 'failed') reject(new Error(`load process: ${message.message}`));
        else resolve(message as Extract<S6ChildMessage, { type: T }>);
      });
      send?.();
    });
  }

  ready() {
    return this.ask('ready');
  }

  async status(): Promise<S6Status> {
    return (await this.ask('status', () => this.child.send({ type: 'status' }))).status;
  }

  async collect(): Promise<S6ClientResult> {
    return (await this.ask('result', () => this.child.send({ type: 'collect' }))).result;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) this.child.send({ type: 'close' });
    const killed = sleep(10_000, undefined, { ref: false }).then(() => this.child.kill('SIGKILL'));
    await Promise.race([this.exited, killed]);
  }
}

const sum = (statuses: S6Status[], key: keyof S6Status) => statuses.reduce((total, s) => total + s[key], 0);

export async function runFanout(options: FanoutOptions): Promise<FanoutResult> {
  const log = options.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const runId = Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  log(`S6: starting members, calendar, feed and the gateway (logs in ${options.workDir})`);
  const system: S6System = await startS6System({
    databaseServerUrl: options.databaseServerUrl,
    redisUrl: options.redisUrl,
    workDir: options.workDir,
    cpuProfile: options.cpuProfile,
    gatewayEnv: options.gatewayEnv,
  });
  const loads: LoadProcess[] = [];
  let systemStopped = false;
  try {
    const members = Math.max(1, Math.min(options.members, options.clients));
    log(`S6: creating a coordinator and ${members} promeneurs through the gateway`);
    const people = await createS6People(system.gatewayUrl, members, { departments: options.departments, membersDatabaseUrl: system.databases.members });
    const gatewayRssBeforeClients = residentBytes(system.gateway.pid);

    // Clients spread evenly over the load processes; tokens handed out round-robin.
    const tokens = Array.from({ length: options.clients }, (_, i) => people.subscriberTokens[i % members]!);
    const processes = Math.max(1, Math.min(options.loadProcesses, options.clients));
    const gatewayWsUrl = system.gatewayUrl.replace(/^http/, 'ws');
    const connectStarted = performance.now();
    log(`S6: opening ${options.clients} graphql-ws clients in ${processes} load process(es)`);
    for (let p = 0; p < processes; p++) {
      const child = fork(builtFile(new URL('./s6-subscribers.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const load = new LoadProcess(child);
      loads.push(load);
      child.send({
        type: 'start',
        gatewayWsUrl,
        runId,
        alerts: options.alerts,
        tokens: tokens.filter((_, i) => i % processes === p),
        connectConcurrency: options.connectConcurrency,
        expectedAuthor: { displayName: people.coordinator.displayName, structureName: people.coordinator.structureName },
      });
    }
    const readies = await Promise.all(loads.map((load) => load.ready()));
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const subscribed = readies.reduce((total, r) => total + r.status.subscribed, 0);
    log(`S6: ${subscribed} of ${options.clients} clients subscribed in ${connectSeconds.toFixed(1)} s`);
    if (subscribed < options.clients) {
      const examples = readies.flatMap((r) => r.problems.examples).slice(0, 3);
      throw new Error(`only ${subscribed} of ${options.clients} clients could subscribe: ${examples.join(' | ')}`);
    }

    const raise = async (title: string) => {
      const at = wallClock();
      await graphqlRequest(
        system.gatewayUrl,
        RAISE,
        {
          input: {
            severity: 'WARNING',
            category: 'VIRAL_CHALLENGE',
            title,
            body: 'Un défi dangereux circule sur les réseaux : prévenir les jeunes suivis.',
            departments: people.departments,
          },
        },
        people.coordinator.token,
      );
      return { at, ms: wallClock() - at };
    };
    const statuses = () => Promise.all(loads.map((load) => load.status()));

    // graphql-ws does not acknowledge a subscription: it is live once an alert has come through it.
    // Warm-up alerts are raised until every client has received one (each given time to arrive), then
    // the gateway is left to go quiet, so that no warm-up traffic overlaps the measured alerts.
    let warmUpAlerts = 0;
    let warm = 0;
    const warmDeadline = Date.now() + 120_000 + options.clients * 20;
    while (warm < options.clients) {
      if (Date.now() > warmDeadline) throw new Error(`only ${warm} of ${options.clients} subscriptions became live (${warmUpAlerts} warm-up alerts)`);
      try {
        await raise(alertTitle(runId, 'warm-up', warmUpAlerts++));
      } catch (error) {
        log(`S6: warm-up alert ${warmUpAlerts} failed (${(error as Error).message.slice(0, 200)}); trying another`);
      }
      // Another warm-up only once this one has stopped reaching clients (3 s without progress): under
      // a backlog, one alert may take long to reach thousands of clients.
      let lastProgress = Date.now();
      let messages = sum(await statuses(), 'messages');
      do {
        await sleep(200);
        const now = await statuses();
        warm = sum(now, 'warm');
        if (sum(now, 'messages') > messages) {
          messages = sum(now, 'messages');
          lastProgress = Date.now();
        }
      } while (warm < options.clients && Date.now() - lastProgress < 3000);
      log(`S6: warm-up alert ${warmUpAlerts}: ${warm} of ${options.clients} subscriptions live`);
    }
    let messages = -1;
    for (;;) {
      const now = sum(await statuses(), 'messages');
      if (now === messages) break;
      messages = now;
      await sleep(1000);
    }
    const gatewayRssSubscribed = residentBytes(system.gateway.pid);
    const metrics = await gatewayMetrics(system.gatewayUrl);

    // The measured phase: raises on a fixed schedule, memory sampled throughout.
    const errorResultsBefore = sum(await statuses(), 'errorResults');
    const cpuAtStart = {
      gateway: system.gateway.sample()?.cpuSeconds ?? 0,
      feed: system.subgraphs.feed.sample()?.cpuSeconds ?? 0,
      members: system.subgraphs.members.sample()?.cpuSeconds ?? 0,
      load: loads.reduce((total, l) => total + (sampleProcess(l.child.pid!)?.cpuSeconds ?? 0), 0),
    };
    const peaks = { gateway: gatewayRssSubscribed, feed: 0, members: 0, gatewayFiles: openFiles(system.gateway.pid) };
    let ticks = 0;
    const sampler = setInterval(() => {
      peaks.gateway = Math.max(peaks.gateway, residentBytes(system.gateway.pid));
      peaks.feed = Math.max(peaks.feed, residentBytes(system.subgraphs.feed.pid));
      peaks.members = Math.max(peaks.members, residentBytes(system.subgraphs.members.pid));
      if (++ticks % 10 === 0) peaks.gatewayFiles = Math.max(peaks.gatewayFiles, openFiles(system.gateway.pid));
    }, 100);
    const measureStarted = performance.now();
    // The profile is cut to the measured phase: V8's sample times and process.hrtime read the same monotonic clock.
    const windowStartMicros = Number(process.hrtime.bigint() / 1000n);
    log(`S6: raising ${options.alerts} alerts, one every ${options.intervalMs} ms`);
    // A raise that fails is reported, and its deliveries counted missing: the run goes on.
    const raiseFailures: string[] = [];
    const raises = await Promise.all(
      Array.from({ length: options.alerts }, async (_, index) => {
        await sleep(index * options.intervalMs);
        const at = wallClock();
        try {
          return await raise(alertTitle(runId, 'alert', index));
        } catch (error) {
          raiseFailures.push(`alert ${index}: ${(error as Error).message}`.slice(0, 300));
          return { at, ms: wallClock() - at };
        }
      }),
    );
    const expected = options.clients * options.alerts;
    const drainDeadline = Date.now() + options.drainTimeoutMs;
    let received = 0;
    for (;;) {
      const now = await statuses();
      received = sum(now, 'received');
      // Every delivery accounted for: an alert, or an error in its place.
      const answered = received + sum(now, 'errorResults') - errorResultsBefore;
      if (answered >= expected || Date.now() > drainDeadline) break;
      if (sum(now, 'ended') >= options.clients) break;
      await sleep(100);
    }
    const measuredSeconds = (performance.now() - measureStarted) / 1000;
    const windowEndMicros = Number(process.hrtime.bigint() / 1000n);
    clearInterval(sampler);
    log(`S6: ${received} of ${expected} deliveries received after ${measuredSeconds.toFixed(1)} s`);
    const cpuAtEnd = {
      gateway: system.gateway.sample()?.cpuSeconds ?? 0,
      feed: system.subgraphs.feed.sample()?.cpuSeconds ?? 0,
      members: system.subgraphs.members.sample()?.cpuSeconds ?? 0,
      load: loads.reduce((total, l) => total + (sampleProcess(l.child.pid!)?.cpuSeconds ?? 0), 0),
    };
    const gatewayHighWater = system.gateway.sample()?.peakRssBytes ?? 0;
    const results = await Promise.all(loads.map((load) => load.collect()));

    // Latencies from every receipt to its alert's raise timestamp.
    const latencies: number[] = [];
    const perAlert = raises.map((raised, index) => {
      const own: number[] = [];
      for (const result of results) for (const receipts of result.receipts) {
        const at = receipts[index];
        if (at !== null && at !== undefined) own.push(at - raised.at);
      }
      latencies.push(...own);
      const d = distribution(own);
      return { index, received: own.length, p50: d.p50, p99: d.p99, max: d.max, raiseMs: Math.round(raised.ms * 10) / 10 };
    });
    const total = <K extends keyof S6ClientProblems>(key: K) => results.reduce((t, r) => t + (r.problems[key] as number), 0);
    const closes: Record<string, number> = {};
    for (const r of results) for (const [code, count] of Object.entries(r.problems.closes)) closes[code] = (closes[code] ?? 0) + count;
    const latency = distribution(latencies);
    const missing = expected - latencies.length;
    const gatewayPeak = Math.max(peaks.gateway, gatewayHighWater);

    await Promise.all(loads.map((load) => load.close()));
    loads.length = 0;
    await system.stop();
    systemStopped = true;
    let gatewayProfile: CpuProfileSummary | undefined;
    if (options.cpuProfile) {
      const file = readdirSync(options.workDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) gatewayProfile = readCpuProfile(join(options.workDir, file), { startMicros: windowStartMicros, endMicros: windowEndMicros }, 25);
    }

    return {
      scenario: 'S6 subscription fan-out',
      startedAt,
      settings: {
        clients: options.clients,
        alerts: options.alerts,
        intervalMs: options.intervalMs,
        loadProcesses: processes,
        members,
        departments: people.departments.length,
        cpuProfile: options.cpuProfile ?? false,
        drainTimeoutMs: options.drainTimeoutMs,
        connectConcurrency: options.connectConcurrency,
        redis: Boolean(options.redisUrl),
        openFilesLimit: openFilesLimit(),
      },
      gatewaySettings: system.gatewayEnv,
      setup: { connectSeconds: Math.round(connectSeconds * 10) / 10, warmUpAlerts, gatewayMetrics: metrics },
      deliveries: {
        expected,
        received: latencies.length,
        missing,
        errorsInstead: total('errorResults') - errorResultsBefore,
        withErrors: total('deliveriesWithErrors'),
        wrongAuthor: total('wrongAuthor'),
        duplicates: total('duplicates'),
      },
      problems: {
        connectFailures: total('connectFailures'),
        closes,
        subscriptionErrors: total('subscriptionErrors'),
        completed: total('completed'),
        raiseFailures,
        examples: results.flatMap((r) => r.problems.examples).slice(0, 5),
      },
      latencyMs: latency,
      perAlert,
      raiseLatencyMs: distribution(raises.map((r) => r.ms)),
      memory: {
        gatewayRssBeforeClientsBytes: gatewayRssBeforeClients,
        gatewayRssSubscribedBytes: gatewayRssSubscribed,
        gatewayPeakRssBytes: gatewayPeak,
        feedPeakRssBytes: peaks.feed,
        membersPeakRssBytes: peaks.members,
      },
      gatewayPeakOpenFiles: peaks.gatewayFiles,
      cpuSeconds: {
        gateway: Math.round((cpuAtEnd.gateway - cpuAtStart.gateway) * 100) / 100,
        feed: Math.round((cpuAtEnd.feed - cpuAtStart.feed) * 100) / 100,
        members: Math.round((cpuAtEnd.members - cpuAtStart.members) * 100) / 100,
        load: Math.round((cpuAtEnd.load - cpuAtStart.load) * 100) / 100,
      },
      loadEventLoopDelayMs: results.map((r) => ({ p99: Math.round(r.eventLoopDelayMs.p99 * 10) / 10, max: Math.round(r.eventLoopDelayMs.max * 10) / 10 })),
      measuredSeconds: Math.round(measuredSeconds * 10) / 10,
      targets: {
        ...S6_TARGETS,
        met: { p99: missing === 0 && latency.p99 <= S6_TARGETS.p99Ms, rss: gatewayPeak <= S6_TARGETS.rssBytes, missing: missing === 0 },
      },
      ...(gatewayProfile ? { gatewayProfile } : {}),
    };
  } finally {
    await Promise.all(loads.map((load) => load.close()));
    if (!systemStopped) await system.stop();
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** The summary printed by the command line: the figures against the targets, the settings, what went wrong. */
export function describeFanout(result: FanoutResult): string {
  const { deliveries: d, latencyMs: l, memory: m, settings: s, targets: t } = result;
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = [
    `S6 subscription fan-out: ${s.clients} graphql-ws clients (${s.loadProcesses} load process(es), ${s.members} members' tokens shared, over ${s.departments} département(s)), ${s.alerts} alerts every ${s.intervalMs} ms`,
    `  delivery latency (raise → client, over the ${d.received} received): p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms, mean ${l.mean} ms — target p99 ≤ ${t.p99Ms} ms: ${mark(t.met.p99)}`,
    `  deliveries: ${d.received} of ${d.expected}, missing ${d.missing} (${d.errorsInstead} answered by an error instead) — target 0 missing: ${mark(t.met.missing)}; with errors ${d.withErrors}, wrong author ${d.wrongAuthor}, duplicates ${d.duplicates}`,
    `  gateway RSS: ${mb(m.gatewayRssBeforeClientsBytes)} before clients, ${mb(m.gatewayRssSubscribedBytes)} with every client subscribed (${Math.round((m.gatewayRssSubscribedBytes - m.gatewayRssBeforeClientsBytes) / 1024 / s.clients)} kB a client), peak ${mb(m.gatewayPeakRssBytes)} — target ≤ ${mb(t.rssBytes)}: ${mark(t.met.rss)}`,
    `  other peaks: feed ${mb(m.feedPeakRssBytes)}, members ${mb(m.membersPeakRssBytes)}; CPU s in the measured ${result.measuredSeconds} s: gateway ${result.cpuSeconds.gateway}, feed ${result.cpuSeconds.feed}, members ${result.cpuSeconds.members}, load ${result.cpuSeconds.load}`,
    `  per alert (p50/p99/max ms): ${result.perAlert.map((a) => `#${a.index} ${a.p50}/${a.p99}/${a.max}`).join(', ')}`,
    `  raiseAlert requests: p50 ${result.raiseLatencyMs.p50} ms, max ${result.raiseLatencyMs.max} ms; connect+subscribe ${result.setup.connectSeconds} s; ${result.setup.warmUpAlerts} warm-up alert(s)`,
    `  gateway /metrics once subscribed: ${result.setup.gatewayMetrics.websocketConnections} WebSockets, ${result.setup.gatewayMetrics.activeSubscriptions} subscriptions over ${result.setup.gatewayMetrics.sharedUpstreams ?? '?'} upstream subscription(s) (audiences), JS heap used ${mb(result.setup.gatewayMetrics.heapUsedBytes ?? 0)}, external ${mb(result.setup.gatewayMetrics.externalMemoryBytes ?? 0)}; open files at most ${result.gatewayPeakOpenFiles}`,
    `  load processes' event-loop delay p99/max (ms): ${result.loadEventLoopDelayMs.map((e) => `${e.p99}/${e.max}`).join(', ')}`,
    `  gateway settings: ${Object.entries(result.gatewaySettings)
      .filter(([name]) => !name.endsWith('_URL') && !['GATEWAY_HOST', 'GATEWAY_PORT'].includes(name))
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}; open files limit ${s.openFilesLimit}; Redis ${s.redis ? 'on' : 'off (in-process pub/sub)'}`,
  ];
  const p = result.problems;
  if (p.connectFailures || p.subscriptionErrors || p.completed || Object.keys(p.closes).length || p.raiseFailures.length) {
    lines.push(
      `  problems: connect failures ${p.connectFailures}, subscription errors ${p.subscriptionErrors}, completed ${p.completed}, closes ${JSON.stringify(p.closes)}, failed raises ${p.raiseFailures.length}`,
    );
  }
  for (const failure of p.raiseFailures.slice(0, 3)) lines.push(`    raise failed: ${failure}`);
  for (const example of p.examples) lines.push(`    e.g. ${example}`);
  if (result.gatewayProfile) {
    const profile = result.gatewayProfile;
    lines.push(
      `  gateway CPU profile (${profile.windowed ? 'measured phase only' : 'whole process'}: ${Math.round(profile.totalMs)} ms, idle ${Math.round(profile.idleMs)} ms), top self time:`,
    );
    for (const f of profile.byFunction.slice(0, 12)) lines.push(`    ${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
    lines.push('  by package:');
    for (const f of profile.byPackage.slice(0, 12)) lines.push(`    ${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
    lines.push('  gateway code by total time (itself and what it calls):');
    for (const f of profile.workspaceInclusive.slice(0, 10)) lines.push(`    ${f.selfMs.toFixed(0).padStart(7)} ms ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
  }
  return lines.join('\n');
}
