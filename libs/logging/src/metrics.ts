import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

export type { Counter, Gauge, Histogram, Registry };

let registry: Registry | undefined;

/** The process's one Prometheus registry, with Node's default metrics (prefixed `pdn_`). */
export function metricsRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'pdn_' });
  }
  return registry;
}

/**
 * A metric is declared once per process, however many gateways or subgraphs a test starts: the
 * second declaration of a name returns the first one.
 */
function declared<T>(name: string, create: (register: Registry) => T): T {
  const register = metricsRegistry();
  return (register.getSingleMetric(name) as T | undefined) ?? create(register);
}

export function counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return declared(config.name, (register) => new Counter<L>({ ...config, registers: [register] }));
}

export function gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return declared(config.name, (register) => new Gauge<L>({ ...config, registers: [register] }));
}

export function histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return declared(config.name, (register) => new Histogram<L>({ ...config, registers: [register] }));
}

/** Latency buckets in seconds, from a cached lookup to a slow report. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Seconds elapsed since `process.hrtime.bigint()` returned `startedAt`. */
export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

/** `GET /metrics`: the registry in Prometheus' text format (an Express or plain Node handler). */
export function metricsHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    const register = metricsRegistry();
    register.metrics().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader('content-type', register.contentType);
        res.setHeader('cache-control', 'no-store');
        res.end(text);
      },
      () => {
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end('metrics unavailable\n');
      },
    );
  };
}
