import { describe, expect, it } from '@jest/globals';
import { productCheck, productRequests } from './product-requests.js';

const answer = (data: unknown, errors?: unknown[]) => JSON.stringify({ data, ...(errors ? { errors } : {}) });
const members = (n: number, extra: Record<string, unknown> = {}, totalCount = 2) => ({
  members: { totalCount, edges: Array.from({ length: n }, (_, i) => ({ node: { id: String(i), permanences: [], registrations: [], posts: { edges: [] }, presence: { minutesLogged: 0 }, ...extra } })) },
});

describe('product scenario answers', () => {
  it('should refuse errors, missing data and pages of the wrong size', () => {
    const s1 = productCheck({ scenario: 'S1', first: 20 });
    expect(s1(answer(members(2)))).toBeUndefined();
    expect(s1(answer(members(1)))).toMatch(/1 members for a page of 2/);
    expect(s1(answer(members(20, {}, 86)))).toBeUndefined();
    expect(s1(answer(members(0, {}, 0)))).toMatch(/page of 0/);
    expect(s1(answer(null, [{ message: 'Boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]))).toMatch(/INTERNAL_SERVER_ERROR: Boom/);
    expect(s1('<html>')).toMatch(/not JSON/);
    expect(productCheck({ scenario: 'S4', first: 100 })(answer(members(2, { presence: null })))).toMatch(/without presence/);
  });

  it('should ask S3 for every registration with its member', () => {
    const s3 = productCheck({ scenario: 'S3', minRegistrations: 2 });
    const event = (registrations: unknown[]) => answer({ event: { registrations } });
    expect(s3(event([{ member: { displayName: 'A' } }, { member: { displayName: 'B' } }]))).toBeUndefined();
    expect(s3(event([{ member: { displayName: 'A' } }]))).toMatch(/1 registrations/);
    expect(s3(event([{ member: null }, { member: { displayName: 'B' } }]))).toMatch(/without its member/);
  });

  it('should go round the tokens and bodies of a query scenario, one per request', () => {
    const [request] = productRequests({ kind: 'query', variants: [{ token: 'a', body: '1' }, { token: 'b', body: '2' }] });
    const sent = [0, 1, 2].map(() => request!.setupRequest({ headers: {} }, {}));
    expect(sent.map((r) => [r?.headers?.['authorization'], r?.body])).toEqual([
      ['Bearer a', '1'],
      ['Bearer b', '2'],
      ['Bearer a', '1'],
    ]);
  });

  it('should cancel in S5 the registration it made, with the same member, and give the pair back', () => {
    const sequence = productRequests({ kind: 'mutations', tag: 't', members: [{ token: 'a', eventIds: ['e1'], alertIds: ['x'] }] });
    expect(sequence).toHaveLength(4);
    const [register, cancel, publish, acknowledge] = sequence as [NonNullable<(typeof sequence)[number]>, ...NonNullable<(typeof sequence)[number]>[]];
    const context: Record<string, unknown> = {};
    const registered = register.setupRequest({}, context)!;
    expect(JSON.parse(registered.body as string).variables).toEqual({ eventId: 'e1' });
    register.onResponse!(200, answer({ register: { id: 'r1' } }), context);
    const cancelled = cancel!.setupRequest({}, context)!;
    expect([cancelled.headers?.['authorization'], JSON.parse(cancelled.body as string).variables]).toEqual(['Bearer a', { id: 'r1' }]);
    cancel!.onResponse!(200, answer({ cancelRegistration: { id: 'r1' } }), context);
    expect(JSON.parse(publish!.setupRequest({}, context)!.body as string).operationName).toBe('PublishPost');
    expect(JSON.parse(acknowledge!.setupRequest({}, context)!.body as string).variables).toEqual({ id: 'x' });
    // The pair is free again: the next connection registers the same member to the same event.
    expect(JSON.parse(register.setupRequest({}, {})!.body as string).variables).toEqual({ eventId: 'e1' });
  });
});
