// The S6 section of the report: subscription fan-out figures against issue 7's targets, and the
// scenario's own summary (per-alert latencies, memory, the gateway's profile when taken).
import { describeFanout, type FanoutResult } from '../scenarios/s6-fanout-scenario.js';
import { markdownTable } from './markdown.js';

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

export function fanoutSectionLines(result: FanoutResult, quick: boolean): string[] {
  const { deliveries: d, latencyMs: l, memory: m, settings: s, targets: t } = result;
  return [
    '',
    '## S6 — subscription fan-out',
    '',
    `${s.clients} graphql-ws clients through our gateway, each subscribed once to \`alertRaised\` with the author's name and structure (members subgraph); ` +
      `${s.members} promeneurs' tokens shared round-robin, over ${s.departments} département(s); a coordinator raises ${s.alerts} alert(s), one every ${s.intervalMs} ms. ` +
      `Latency is from just before the \`raiseAlert\` request to the alert read on each client's socket.` +
      (quick ? ' Quick run: far fewer clients than the target\'s 5,000.' : ''),
    '',
    markdownTable(
      ['Figure', 'Measured', 'Target', ''],
      [
        ['deliveries', `${d.received} of ${d.expected} (missing ${d.missing})`, 'every alert to every client', met(t.met.missing)],
        ['latency p50 / p95 / p99 / max', `${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms`, `p99 ≤ ${t.p99Ms} ms`, met(t.met.p99)],
        ['gateway peak RSS', mb(m.gatewayPeakRssBytes), `≤ ${mb(t.rssBytes)}`, met(t.met.rss)],
        ['upstream subscriptions (audiences)', String(result.setup.gatewayMetrics.sharedUpstreams ?? '?'), '', ''],
        ['CPU s in the measured phase (gateway / feed / members / load)', `${result.cpuSeconds.gateway} / ${result.cpuSeconds.feed} / ${result.cpuSeconds.members} / ${result.cpuSeconds.load} in ${result.measuredSeconds} s`, '', ''],
      ],
    ),
    '',
    '```text',
    describeFanout(result),
    '```',
  ];
}
