export type { Attributes } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { type Attributes, type Context, DiagLogLevel, ROOT_CONTEXT, diag, type Span, SpanKind, SpanStatusCode, type Tracer, trace as traceApi } from '@opentelemetry/api';
import { childOf, newTrace, type TraceContext } from './trace-context.js';

/**
 * The OpenTelemetry variables a process reads (validated by @pdn/config's `tracingSettings`). Tracing
 * is off unless an OTLP endpoint is set: no SDK is loaded, spans cost one object and log lines keep
 * the W3C trace ids of trace-context.ts.
 */
export interface TracingSettings {
  /** Base URL of an OTLP/HTTP receiver (a collector's port 4318): traces go to `<url>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** The traces URL itself, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  /** The exported `service.name`; by default the process's own (`pdn-gateway`, `pdn-members`…). */
  OTEL_SERVICE_NAME?: string;
  /** `parentbased_always_on` (default), `parentbased_traceidratio`, `traceidratio`, `always_on`, `always_off`, `parentbased_always_off`. */
  OTEL_TRACES_SAMPLER?: string;
  /** The ratio of the `*traceidratio` samplers, from 0 to 1 (default 1). */
  OTEL_TRACES_SAMPLER_ARG?: string | number;
  /** Milliseconds a finished span may wait in the batch before it is sent (default 5000). */
  OTEL_BSP_SCHEDULE_DELAY?: string | number;
  /** `true` turns tracing off whatever else is set, as in every OpenTelemetry SDK. */
  OTEL_SDK_DISABLED?: string | boolean;
}

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** Where spans go, or undefined when tracing is off. */
export function otlpTracesUrl(settings: TracingSettings): string | undefined {
  const disabled = settings.OTEL_SDK_DISABLED === true || String(settings.OTEL_SDK_DISABLED).toLowerCase() === 'true';
  if (disabled) return undefined;
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT) return `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

export type SpanKindName = 'server' | 'client' | 'internal';
const KINDS: Record<SpanKindName, SpanKind> = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL };

/** One operation of a trace. Its `trace` is what log lines and the outgoing `traceparent` carry. */
export interface TracedSpan {
  /** The span's position in the trace: the same ids as the exported span when tracing is on. */
  readonly trace: TraceContext;
  setAttributes(attributes: Attributes): void;
  updateName(name: string): void;
  /** Ends the span (once; later calls do nothing); `error` marks it failed with that description. */
  end(outcome?: { error?: string }): void;
}

export interface StartSpanOptions {
  kind: SpanKindName;
  /** The caller's span (a parsed `traceparent`, remote) or a span of this process; none: a new trace. */
  parent?: TraceContext | TracedSpan | undefined;
  attributes?: Attributes;
}

export interface Tracing {
  /** True when spans are exported (an OTLP endpoint is configured). */
  readonly enabled: boolean;
  /** The exported `service.name` (also when off, for the record). */
  readonly serviceName: string;
  startSpan(name: string, options: StartSpanOptions): TracedSpan;
  /** Exports the spans still buffered, then stops; part of the process's graceful shutdown. */
  shutdown(): Promise<void>;
}

/** A span that is not exported: a position in the trace for logs and `traceparent`, nothing else. */
class UntracedSpan implements TracedSpan {
  constructor(readonly trace: TraceContext) {}
  setAttributes(): void {}
  updateName(): void {}
  end(): void {}
}

/** Tracing off: the W3C trace context of trace-context.ts, no OpenTelemetry SDK at all. */
export const TRACING_OFF: Tracing = {
  enabled: false,
  serviceName: 'unknown_service',
  startSpan: (_name, { parent }) => new UntracedSpan(parent ? childOf('trace' in parent ? parent.trace : parent) : newTrace()),
  shutdown: async () => {},
};

class ExportedSpan implements TracedSpan {
  readonly trace: TraceContext;
  private ended = false;

  constructor(readonly span: Span) {
    const { traceId, spanId, traceFlags } = span.spanContext();
    this.trace = { traceId, spanId, flags: traceFlags.toString(16).padStart(2, '0') };
  }

  setAttributes(attributes: Attributes): void {
    this.span.setAttributes(attributes);
  }

  updateName(name: string): void {
    this.span.updateName(name);
  }

  end(outcome: { error?: string } = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (outcome.error !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
    this.span.end();
  }
}

function parentContext(parent: TraceContext | TracedSpan | undefined): Context {
  if (!parent) return ROOT_CONTEXT;
  if (parent instanceof ExportedSpan) return traceApi.setSpan(ROOT_CONTEXT, parent.span);
  const { traceId, spanId, flags } = 'trace' in parent ? parent.trace : parent;
  return traceApi.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 0xff, isRemote: true });
}

/** How long shutdown() waits for the last spans to be sent. */
const SHUTDOWN_FLUSH_MS = 3000;

class OtlpTracing implements Tracing {
  readonly enabled = true;

  constructor(
    readonly serviceName: string,
    private readonly tracer: Tracer,
    private readonly provider: { shutdown(): Promise<void> },
  ) {}

  startSpan(name: string, { kind, parent, attributes }: StartSpanOptions): TracedSpan {
    // The parent is explicit: nothing here relies on a global context manager or tracer provider, so
    // libraries' own instrumentation (@apollo/gateway's) stays a no-op and spans nest only as designed.
    return new ExportedSpan(this.tracer.startSpan(name, { kind: KINDS[kind], ...(attributes ? { attributes } : {}) }, parentContext(parent)));
  }

  private stopping: Promise<void> | undefined;
  shutdown(): Promise<void> {
    // A receiver that is down must not hold the process's shutdown past its deadline: the spans are lost then.
    return (this.stopping ??= Promise.race([
      this.provider.shutdown().catch(() => {}),
      new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref()),
    ]));
  }
}

async function samplerFor(settings: TracingSettings) {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = await import('@opentelemetry/sdk-trace');
  const name = (settings.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').toLowerCase();
  const ratio = settings.OTEL_TRACES_SAMPLER_ARG === undefined ? 1 : Number(settings.OTEL_TRACES_SAMPLER_ARG);
  const root = name.endsWith('traceidratio')
    ? new TraceIdRatioBasedSampler(Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1)
    : name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

export interface StartTracingOptions {
  /** Where the SDK's own problems (a receiver that refuses or cannot be reached) are reported, as warnings. */
  logger?: Logger;
}

let diagnosticsLogged = false;
/** The SDK reports failed exports through its global `diag` logger, silent unless one is set: once per process. */
function logDiagnostics(logger: Logger): void {
  if (diagnosticsLogged) return;
  diagnosticsLogged = true;
  const warn = (message: string, ...args: unknown[]) =>
    logger.warn({ detail: args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ').slice(0, 500) || undefined }, `tracing: ${message}`);
  const ignore = () => {};
  diag.setLogger({ error: warn, warn, info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.WARN);
}

/**
 * Starts exporting spans over OTLP/HTTP (JSON) when an endpoint is configured, else returns TRACING_OFF
 * and loads nothing. The exporter itself reads the other standard variables (OTEL_EXPORTER_OTLP_HEADERS,
 * _TIMEOUT, _COMPRESSION, certificates). Spans are batched; `shutdown()` sends what is left.
 */
export async function startTracing(defaultServiceName: string, settings: TracingSettings, options: StartTracingOptions = {}): Promise<Tracing> {
  const url = otlpTracesUrl(settings);
  if (!url) return TRACING_OFF;
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { defaultResource, detectResources, envDetector, resourceFromAttributes }] =
    await Promise.all([import('@opentelemetry/sdk-trace'), import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources')]);
  const serviceName = settings.OTEL_SERVICE_NAME || defaultServiceName;
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': serviceName }));
  if (options.logger) logDiagnostics(options.logger);
  const exporter = new OTLPTraceExporter({ url });
  const delay = Number(settings.OTEL_BSP_SCHEDULE_DELAY);
  const provider = new TracerProvider({
    resource,
    sampler: await samplerFor(settings),
    spanProcessors: [new BatchSpanProcessor({ exporter, ...(delay > 0 ? { scheduledDelayMillis: delay } : {}) })],
  });
  return new OtlpTracing(serviceName, provider.getTracer('@pdn/logging'), provider);
}
