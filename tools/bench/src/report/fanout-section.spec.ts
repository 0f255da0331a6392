import { describe, expect, it } from '@jest/globals';
import type { FanoutResult } from '../scenarios/s6-fanout-scenario.js';
import { fanoutSectionLines } from './fanout-section.js';

// A quick run's S6 result (200 clients, 3 alerts), trimmed: what fanoutSectionLines renders.
const QUICK_FANOUT = {
  "scenario": "S6 subscription fan-out",
  "startedAt": "2026-11-26T20:52:12.710Z",
  "settings": {
    "clients": 200,
    "alerts": 3,
    "intervalMs": 500,
    "loadProcesses": 1,
    "members": 200,
    "departments": 2,
    "cpuProfile": false,
    "drainTimeoutMs": 30000,
    "connectConcurrency": 100,
    "redis": false,
    "openFilesLimit": "20000 (hard 20000)"
  },
  "gatewaySettings": {
    "NODE_ENV": "production",
    "LOG_LEVEL": "info",
    "RATE_LIMIT_MEMBER_PER_MINUTE": "0",
    "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "0",
    "MAX_SUBSCRIPTIONS_PER_CONNECTION": "20",
    "GATEWAY_HOST": "127.0.0.1",
    "GATEWAY_PORT": "41939",
    "MEMBERS_URL": "http://127.0.0.1:37875/graphql",
    "CALENDAR_URL": "http://127.0.0.1:34291/graphql",
    "FEED_URL": "http://127.0.0.1:35207/graphql",
    "DOMAIN_EVENTS_MAX_BACKOFF_MS": "1000"
  },
  "setup": {
    "connectSeconds": 0.5,
    "warmUpAlerts": 1,
    "gatewayMetrics": {
      "websocketConnections": 200,
      "activeSubscriptions": 200,
      "residentMemoryBytes": 180637696,
      "heapUsedBytes": 84563800,
      "externalMemoryBytes": 4012795,
      "sharedUpstreams": 2
    }
  },
  "deliveries": {
    "expected": 600,
    "received": 600,
    "missing": 0,
    "errorsInstead": 0,
    "withErrors": 0,
    "wrongAuthor": 0,
    "duplicates": 0
  },
  "problems": {
    "connectFailures": 0,
    "closes": {},
    "subscriptionErrors": 0,
    "completed": 0,
    "raiseFailures": [],
    "examples": []
  },
  "latencyMs": {
    "p50": 35.7,
    "p95": 41.8,
    "p99": 42.2,
    "max": 42.3,
    "mean": 35.1
  },
  "perAlert": [
    {
      "index": 0,
      "received": 200,
      "p50": 30.4,
      "p99": 36.9,
      "max": 36.9,
      "raiseMs": 21.4
    },
    {
      "index": 1,
      "received": 200,
      "p50": 33.7,
      "p99": 37.5,
      "max": 37.6,
      "raiseMs": 24.7
    }
  ],
  "raiseLatencyMs": {
    "p50": 24.7,
    "p95": 25.4,
    "p99": 25.4,
    "max": 25.4,
    "mean": 23.8
  },
  "memory": {
    "gatewayRssBeforeClientsBytes": 171556864,
    "gatewayRssSubscribedBytes": 180629504,
    "gatewayPeakRssBytes": 182534144,
    "feedPeakRssBytes": 156594176,
    "membersPeakRssBytes": 179343360
  },
  "gatewayPeakOpenFiles": 237,
  "cpuSeconds": {
    "gateway": 0.07,
    "feed": 0.03,
    "members": 0.03,
    "load": 0.03
  },
  "loadEventLoopDelayMs": [
    {
      "p99": 14.6,
      "max": 37.6
    }
  ],
  "measuredSeconds": 1.1,
  "targets": {
    "p99Ms": 1000,
    "rssBytes": 1073741824,
    "missing": 0,
    "met": {
      "p99": true,
      "rss": true,
      "missing": true
    }
  }
} satisfies FanoutResult;

describe('S6 section of the report', () => {
  it('should give deliveries, latency and memory against the targets, with the scenario summary', () => {
    const markdown = fanoutSectionLines(QUICK_FANOUT, true).join('\n');
    expect(markdown).toContain('## S6 — subscription fan-out');
    expect(markdown).toContain('| deliveries | 600 of 600 (missing 0) | every alert to every client | met |');
    expect(markdown).toMatch(/\| latency p50 \/ p95 \/ p99 \/ max \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \/ [\d.]+ ms \| p99 ≤ 1000 ms \| met \|/);
    expect(markdown).toContain('| upstream subscriptions (audiences) | 2 |');
    expect(markdown).toContain('Quick run');
    expect(markdown).toContain('```text\nS6 subscription fan-out: 200 graphql-ws clients');
  });

  it('should mark a target missed in bold', () => {
    const late: FanoutResult = {
      ...QUICK_FANOUT,
      deliveries: { ...QUICK_FANOUT.deliveries, received: 590, missing: 10 },
      targets: { ...QUICK_FANOUT.targets, met: { ...QUICK_FANOUT.targets.met, missing: false } },
    };
    const markdown = fanoutSectionLines(late, false).join('\n');
    expect(markdown).toContain('| deliveries | 590 of 600 (missing 10) | every alert to every client | **not met** |');
    expect(markdown).not.toContain('Quick run');
  });
});
