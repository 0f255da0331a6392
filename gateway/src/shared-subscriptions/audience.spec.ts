import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse } from 'graphql';
import type { Caller } from '@pdn/identity';
import { audienceOf, PerViewerDetector, stableJson } from './audience.js';

const schema = buildSchema(`
  type Query { node: Node }
  type Subscription { alertRaised: Alert! alertUpdated: Alert! }
  interface Node { id: ID! }
  type Alert implements Node { id: ID! title: String! acknowledgedByMe: Boolean! raisedBy: Member! }
  type Member implements Node { id: ID! displayName: String! charterAcceptedAt: String }
`);
const detector = new PerViewerDetector(schema, { Alert: ['acknowledgedByMe'], Member: ['charterAcceptedAt'], Subscription: ['alertUpdated'] });
const selects = (text: string) => detector.selectsPerViewerField(parse(text), text);

const member = (memberId: string, overrides: Partial<Extract<Caller, { kind: 'member' }>> = {}): Caller => ({
  kind: 'member',
  memberId,
  role: 'PROMENEUR',
  status: 'ACTIVE',
  departments: ['32'],
  ...overrides,
});

describe('per-viewer fields of an operation', () => {
  it('finds them in selections, nested types, fragments and on abstract types', () => {
    expect(selects('subscription { alertRaised { id title raisedBy { displayName } } }')).toBe(false);
    expect(selects('subscription { alertRaised { id acknowledgedByMe } }')).toBe(true);
    expect(selects('subscription { alertRaised { raisedBy { charterAcceptedAt } } }')).toBe(true);
    expect(selects('subscription { alertRaised { ...F } } fragment F on Alert { raisedBy { ... on Member { charterAcceptedAt } } }')).toBe(true);
    expect(selects('subscription { alertUpdated { id } }')).toBe(true);
    expect(selects('query { node { id ... on Alert { acknowledgedByMe } } }')).toBe(true);
  });

  it('treats every operation as per viewer when the fields are not known', () => {
    const unknown = new PerViewerDetector(schema, null);
    const text = 'subscription { alertRaised { id } }';
    expect(unknown.selectsPerViewerField(parse(text), text)).toBe(true);
  });
});

describe('audience of a caller', () => {
  it('is the same for members who differ only in who they are, when no per-viewer field is selected', () => {
    expect(audienceOf(member('m-1', { departments: ['32', '31'] }), false)).toBe(audienceOf(member('m-2', { departments: ['31', '32'] }), false));
    expect(audienceOf(member('m-1', { structureId: 's-1', sessionId: 'a' }), false)).toBe(audienceOf(member('m-2'), false));
  });

  it('differs by role, status, départements, and by member for per-viewer fields', () => {
    const base = audienceOf(member('m-1'), false);
    expect(audienceOf(member('m-1', { role: 'COORDINATOR' }), false)).not.toBe(base);
    expect(audienceOf(member('m-1', { status: 'CANDIDATE' }), false)).not.toBe(base);
    expect(audienceOf(member('m-1', { departments: ['31'] }), false)).not.toBe(base);
    expect(audienceOf(member('m-1'), true)).not.toBe(audienceOf(member('m-2'), true));
  });

  it('is the key for a partner application, one for anonymous callers, and never shared for anything else', () => {
    const partner = (apiKeyId: string): Caller => ({ kind: 'partner', apiKeyId, scopes: ['ALERTS_READ'], departments: ['32'] });
    expect(audienceOf(partner('k-1'), false)).toBe(audienceOf(partner('k-1'), true));
    expect(audienceOf(partner('k-1'), false)).not.toBe(audienceOf(partner('k-2'), false));
    expect(audienceOf({ kind: 'anonymous' }, false)).toBe('anonymous');
    const strange = { kind: 'robot' } as unknown as Caller;
    expect(audienceOf(strange, false)).not.toBe(audienceOf(strange, false));
  });

  it('names variables the same whatever the order of their keys', () => {
    expect(stableJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: null } })).toBe(stableJson({ a: { c: null, d: [1, { e: 2, f: 1 }] }, b: 1 }));
    expect(stableJson(undefined)).toBe('null');
  });
});
