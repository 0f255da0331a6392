// One load process of the S6 fan-out scenario: a share of the 5,000 graphql-ws subscribers, each on a
// WebSocket of its own to the gateway, each subscribed once to `alertRaised`. It runs as a child
// process (s6-fanout-scenario.ts forks one or several), so that the load's own event loop can be
// spread over processes and measured. The parent drives it over IPC (S6ParentMessage) and receives
// every receipt time at the end (S6ChildMessage). Receipt times are wall-clock milliseconds
// (performance.timeOrigin + performance.now()), comparable with the parent's raise timestamps.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  ALERT_TITLE,
  S6_SUBSCRIPTION,
  type S6ChildMessage,
  type S6ClientProblems,
  type S6ParentMessage,
  type S6StartMessage,
  type S6Status,
} from './s6-protocol.js';

interface AlertPayload {
  alertRaised?: { title?: string; raisedBy?: { displayName?: string; structure?: { name?: string } | null } | null };
}

const now = () => performance.timeOrigin + performance.now();

class Subscriber {
  client: Client | undefined;
  subscribed = false;
  warm = false;
  ended = false;
  readonly receipts: (number | null)[];

  constructor(alerts: number) {
    this.receipts = new Array<number | null>(alerts).fill(null);
  }
}

function run(start: S6StartMessage): void {
  const send = (message: S6ChildMessage) => process.send!(message);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const subscribers = start.tokens.map(() => new Subscriber(start.alerts));
  const problems: S6ClientProblems = {
    connectFailures: 0,
    closes: {},
    errorResults: 0,
    subscriptionErrors: 0,
    completed: 0,
    deliveriesWithErrors: 0,
    wrongAuthor: 0,
    duplicates: 0,
    examples: [],
  };
  const example = (text: string) => {
    if (problems.examples.length < 5) problems.examples.push(text.slice(0, 300));
  };
  let received = 0;
  let messages = 0;
  const status = (): S6Status => ({
    subscribed: subscribers.filter((s) => s.subscribed).length,
    warm: subscribers.filter((s) => s.warm).length,
    received,
    messages,
    ended: subscribers.filter((s) => s.ended).length,
    errorResults: problems.errorResults,
  });

  const onAlert = (subscriber: Subscriber, result: { data?: unknown; errors?: readonly { message: string }[] }) => {
    const at = now();
    messages++;
    // Any result proves the subscription live end to end (warm-ups are the only alerts raised before
    // the measured ones), even an error standing for an alert whose author members did not resolve in time.
    subscriber.warm = true;
    if (!result.data) {
      problems.errorResults++;
      example(`an error instead of an alert: ${JSON.stringify(result.errors)}`);
      return;
    }
    const alert = (result.data as AlertPayload).alertRaised;
    const match = ALERT_TITLE.exec(alert?.title ?? '');
    if (!match || match[1] !== start.runId) return;
    if (match[2] === 'warm-up') return;
    const index = Number(match[3]);
    if (index >= start.alerts) return;
    if (subscriber.receipts[index] !== null) {
      problems.duplicates++;
      return;
    }
    subscriber.receipts[index] = at;
    received++;
    if (result.errors?.length) {
      problems.deliveriesWithErrors++;
      example(`alert ${index} with errors: ${JSON.stringify(result.errors)}`);
    } else if (
      alert?.raisedBy?.displayName !== start.expectedAuthor.displayName ||
      alert.raisedBy.structure?.name !== start.expectedAuthor.structureName
    ) {
      problems.wrongAuthor++;
      example(`alert ${index} with raisedBy ${JSON.stringify(alert?.raisedBy)}`);
    }
  };

  /** Opens one subscriber's socket, waits for connection_ack, then subscribes. */
  const open = (subscriber: Subscriber, token: string) =>
    new Promise<void>((resolve) => {
      let acknowledged = false;
      const client = createClient({
        url: start.gatewayWsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        // A lost socket is a finding, not something to hide behind a reconnection.
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
        // Counted through `closed` below; graphql-ws would print each to the console otherwise.
        onNonLazyError: () => {},
        on: {
          connected: () => {
            acknowledged = true;
            client.subscribe(
              { query: S6_SUBSCRIPTION },
              {
                next: (result) => onAlert(subscriber, result),
                error: (error) => {
                  subscriber.ended = true;
                  problems.subscriptionErrors++;
                  example(`subscription error: ${Array.isArray(error) ? JSON.stringify(error) : String((error as { reason?: string }).reason ?? error)}`);
                },
                complete: () => {
                  subscriber.ended = true;
                  problems.completed++;
                },
              },
            );
            subscriber.subscribed = true;
            resolve();
          },
          closed: (event) => {
            const code = String((event as { code?: number } | undefined)?.code ?? 'unknown');
            if (!acknowledged) {
              problems.connectFailures++;
              example(`connection refused: ${code} ${(event as { reason?: string } | undefined)?.reason ?? ''}`);
              resolve();
              return;
            }
            if (closing) return;
            subscriber.ended = true;
            problems.closes[code] = (problems.closes[code] ?? 0) + 1;
          },
        },
      });
      subscriber.client = client;
    });

  let closing = false;
  const connectAll = async () => {
    let next = 0;
    const worker = async () => {
      while (next < subscribers.length) {
        const i = next++;
        await open(subscribers[i]!, start.tokens[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(start.connectConcurrency, subscribers.length) }, worker));
    send({ type: 'ready', status: status(), problems });
  };

  process.on('message', (message: S6ParentMessage) => {
    if (message.type === 'status') send({ type: 'status', status: status() });
    else if (message.type === 'collect') {
      delay.disable();
      const usage = process.resourceUsage();
      send({
        type: 'result',
        result: {
          receipts: subscribers.map((s) => s.receipts),
          problems,
          eventLoopDelayMs: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
          cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
          peakRssBytes: usage.maxRSS * 1024,
        },
      });
    } else if (message.type === 'close') {
      closing = true;
      void Promise.all(subscribers.map(async (s) => s.client?.dispose())).finally(() => process.exit(0));
    }
  });
  connectAll().catch((error: unknown) => send({ type: 'failed', message: String((error as Error)?.stack ?? error) }));
}

if (!process.send) {
  console.error('s6-subscribers runs as a child of s6-fanout (it is driven over IPC).');
  process.exit(2);
}
// The parent going away (Ctrl-C, a crash) must not leave thousands of sockets open.
process.on('disconnect', () => process.exit(0));
process.once('message', (message: S6ParentMessage) => {
  if (message.type !== 'start') {
    process.send!({ type: 'failed', message: `expected start, got ${message.type}` } satisfies S6ChildMessage);
    return;
  }
  run(message);
});
