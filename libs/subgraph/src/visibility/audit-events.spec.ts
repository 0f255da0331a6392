import { describe, expect, it } from '@jest/globals';
import type { PrivateRead } from './audit.js';
import { AUDIT_PRIVATE_READ, AUDIT_PRIVATE_READ_VERSION, EventAuditSink, privateReadFromPayload, type PrivateReadPayload } from './audit-events.js';

const read: PrivateRead = {
  actor: { kind: 'member', memberId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' },
  subjectId: '16fd2706-8baf-433b-82eb-8c7fada847da',
  fields: ['presence'],
  operationName: 'Compliance',
  at: new Date('2026-04-01T10:00:00.000Z'),
  requestId: 'req-1',
};

describe('private reads as domain events (the audit of subgraphs other than members)', () => {
  it('should emit one audit.private-read event per read, all in one write, that members reads back as the same read', async () => {
    const writes: [string, PrivateReadPayload, number][][] = [];
    const sink = new EventAuditSink(async (events) => {
      writes.push(events.map((e) => [e.type, e.payload, e.version]));
    });
    await sink.record([read, { ...read, actor: { kind: 'partner', apiKeyId: 'key-1' }, operationName: null, requestId: null }]);
    await sink.record([]);
    expect(writes).toHaveLength(1);
    const emitted = writes[0]!;
    expect(emitted.map(([type, , version]) => [type, version])).toEqual([
      [AUDIT_PRIVATE_READ, AUDIT_PRIVATE_READ_VERSION],
      [AUDIT_PRIVATE_READ, AUDIT_PRIVATE_READ_VERSION],
    ]);
    // Events travel as JSON.
    const [first, second] = emitted.map(([, payload]) => privateReadFromPayload(JSON.parse(JSON.stringify(payload))));
    expect(first).toEqual(read);
    expect(second).toEqual({ ...read, actor: { kind: 'partner', apiKeyId: 'key-1' }, operationName: null, requestId: null });
  });

  it('should refuse a payload of another shape rather than record a half-read', () => {
    const good = JSON.parse(JSON.stringify({ actorKind: 'member', actorId: 'a', subjectId: 's', fields: ['presence'], operationName: null, at: read.at.toISOString(), requestId: null }));
    expect(privateReadFromPayload(good).fields).toEqual(['presence']);
    for (const bad of [null, { ...good, actorKind: 'robot' }, { ...good, fields: 'presence' }, { ...good, at: 'yesterday' }, { ...good, subjectId: '' }]) {
      expect(() => privateReadFromPayload(bad)).toThrow(/Malformed audit.private-read payload/);
    }
  });
});
