import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { OtlpReceiver } from './otlp-receiver.js';
import { formatTraceparent, parseTraceparent, type TraceContext } from './trace-context.js';
import { otlpTracesUrl, startTracing, TRACING_OFF } from './tracing.js';

const REMOTE: TraceContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' };

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(async () => {
  await receiver?.close();
});

describe('otlpTracesUrl', () => {
  it('should be off unless an endpoint is set, or when the SDK is disabled', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: true })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
  });

  it('should append /v1/traces to the base endpoint, and take the traces endpoint as is', () => {
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/' })).toBe('http://collector:4318/otlp/v1/traces');
    expect(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.org/in' }),
    ).toBe('https://traces.example.org/in');
  });
});

describe('startTracing when not configured', () => {
  it('should create no provider: the W3C trace context of trace-context.ts, nothing exported', async () => {
    const requestsBefore = receiver.requests;
    const tracing = await startTracing('pdn-test', { OTEL_SERVICE_NAME: 'ignored' });
    expect(tracing).toBe(TRACING_OFF);
    expect(tracing.enabled).toBe(false);

    const server = tracing.startSpan('graphql.operation', { kind: 'server', parent: REMOTE });
    expect(server.trace).toEqual({ traceId: REMOTE.traceId, spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: '01' });
    expect(server.trace.spanId).not.toBe(REMOTE.spanId);
    const client = tracing.startSpan('graphql.fetch members', { kind: 'client', parent: server });
    expect(client.trace.traceId).toBe(REMOTE.traceId);
    expect(client.trace.spanId).not.toBe(server.trace.spanId);
    const fresh = tracing.startSpan('graphql.operation', { kind: 'server' });
    expect(parseTraceparent(formatTraceparent(fresh.trace))).toEqual(fresh.trace);
    expect(fresh.trace.traceId).not.toBe(REMOTE.traceId);
    client.end({ error: 'nothing happens' });
    server.end();
    await tracing.shutdown();

    // No global provider either: libraries' own tracers stay no-ops.
    expect(trace.getTracer('anyone').startSpan('x').isRecording()).toBe(false);
    expect(receiver.requests).toBe(requestsBefore);
  });
});

describe('startTracing with an OTLP endpoint', () => {
  it('should export batched spans over OTLP/HTTP JSON with the service name, parents and attributes', async () => {
    const tracing = await startTracing('pdn-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
    expect(tracing.enabled).toBe(true);
    expect(tracing.serviceName).toBe('pdn-test');

    const server = tracing.startSpan('graphql.operation', { kind: 'server', parent: REMOTE, attributes: { 'pdn.request_id': 'r-1' } });
    expect(server.trace).toEqual({ traceId: REMOTE.traceId, spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: '01' });
    server.updateName('graphql.operation MemberWithEvents');
    const client = tracing.startSpan('graphql.fetch calendar', { kind: 'client', parent: server, attributes: { 'pdn.subgraph': 'calendar' } });
    client.setAttributes({ 'http.response.status_code': 503 });
    client.end({ error: 'The calendar service is unavailable.' });
    client.end(); // a second end changes nothing
    server.end();

    const spans = await receiver.waitFor((all) => all.filter((s) => s.traceId === REMOTE.traceId).length >= 2);
    const exported = spans.filter((s) => s.traceId === REMOTE.traceId);
    expect(exported).toHaveLength(2);
    const operation = exported.find((s) => s.kind === 2)!;
    const fetch = exported.find((s) => s.kind === 3)!;
    expect(operation).toMatchObject({
      service: 'pdn-test',
      name: 'graphql.operation MemberWithEvents',
      spanId: server.trace.spanId,
      parentSpanId: REMOTE.spanId,
      attributes: { 'pdn.request_id': 'r-1' },
    });
    expect(fetch).toMatchObject({
      service: 'pdn-test',
      name: 'graphql.fetch calendar',
      spanId: client.trace.spanId,
      parentSpanId: server.trace.spanId,
      attributes: { 'pdn.subgraph': 'calendar', 'http.response.status_code': 503 },
      status: { code: 2, message: 'The calendar service is unavailable.' },
    });
    await tracing.shutdown();
  });

  it('should send the spans still batched when it shuts down, under OTEL_SERVICE_NAME', async () => {
    // A delay far beyond the test: only shutdown() can have sent the span.
    const tracing = await startTracing('pdn-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'pdn-renamed', OTEL_BSP_SCHEDULE_DELAY: 600_000 });
    const span = tracing.startSpan('graphql.operation', { kind: 'server' });
    span.end();
    expect(receiver.spans.some((s) => s.spanId === span.trace.spanId)).toBe(false);
    await tracing.shutdown();
    expect(receiver.spans.filter((s) => s.spanId === span.trace.spanId)).toEqual([
      expect.objectContaining({ service: 'pdn-renamed', traceId: span.trace.traceId, name: 'graphql.operation' }),
    ]);
    expect(receiver.spans.find((s) => s.spanId === span.trace.spanId)).not.toHaveProperty('parentSpanId');
  });

  it('should sample by ratio at the root and follow a sampled parent (parentbased_traceidratio)', async () => {
    const tracing = await startTracing('pdn-test', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    const unsampled = tracing.startSpan('graphql.operation', { kind: 'server' });
    // Not sampled, but still a valid position in the trace: its children and subgraphs are not sampled either.
    expect(unsampled.trace).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: '00' });
    const unsampledChild = tracing.startSpan('graphql.fetch members', { kind: 'client', parent: unsampled });
    expect(unsampledChild.trace).toMatchObject({ traceId: unsampled.trace.traceId, flags: '00' });
    const followed = tracing.startSpan('graphql.operation', { kind: 'server', parent: { ...REMOTE, traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    expect(followed.trace.flags).toBe('01');
    for (const span of [unsampledChild, unsampled, followed]) span.end();
    await tracing.shutdown();
    expect(receiver.spans.some((s) => s.spanId === followed.trace.spanId)).toBe(true);
    expect(receiver.spans.some((s) => s.traceId === unsampled.trace.traceId)).toBe(false);
  });
});

describe('startTracing with an unreachable receiver', () => {
  it('should not hold the shutdown: it gives up on the last spans after a bounded wait', async () => {
    const closed = await OtlpReceiver.start();
    await closed.close(); // nothing listens on its port any more
    const tracing = await startTracing('pdn-test', { OTEL_EXPORTER_OTLP_ENDPOINT: closed.url });
    tracing.startSpan('graphql.operation', { kind: 'server' }).end();
    // Resolves (within the test's timeout), whatever the exporter's retries.
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });
});
