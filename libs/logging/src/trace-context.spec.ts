import { describe, expect, it } from '@jest/globals';
import { childOf, formatTraceparent, newTrace, parseTraceparent } from '@pdn/logging/trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;
const SHAPE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('parseTraceparent', () => {
  it('should read the trace id, parent id and flags of a valid header', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, flags: '01' });
    expect(parseTraceparent([VALID])).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, flags: '01' });
  });

  it('should accept a later version with extra fields, keeping the four it knows', () => {
    expect(parseTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-00-what-the-future-adds`)).toEqual({ traceId: TRACE_ID, spanId: PARENT_ID, flags: '00' });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['upper-case hex', VALID.toUpperCase()],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a short parent id', `00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`],
    ['non-hex flags', `00-${TRACE_ID}-${PARENT_ID}-zz`],
    ['two headers', [VALID, VALID]],
    ['garbage', 'not a traceparent'],
  ])('should reject %s', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('newTrace and childOf', () => {
  it('should start a valid trace with fresh random ids each time', () => {
    const first = newTrace();
    const second = newTrace();
    expect(formatTraceparent(first)).toMatch(SHAPE);
    expect(parseTraceparent(formatTraceparent(first))).toEqual(first);
    expect(second.traceId).not.toBe(first.traceId);
    expect(second.spanId).not.toBe(first.spanId);
  });

  it('should keep the trace id and flags in a child, with a new span id', () => {
    const parent = parseTraceparent(VALID)!;
    const child = childOf(parent);
    expect(child.traceId).toBe(TRACE_ID);
    expect(child.flags).toBe('01');
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(PARENT_ID);
    expect(childOf(parent).spanId).not.toBe(child.spanId);
    expect(formatTraceparent(child)).toBe(`00-${TRACE_ID}-${child.spanId}-01`);
  });
});
