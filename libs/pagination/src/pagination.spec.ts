import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@pdn/errors';
import { decodeCursor, encodeCursor, pageSize, toConnection } from '@pdn/pagination';

describe('pageSize', () => {
  it('should default to 20 and accept up to 100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(pageSize(0)).toBe(0);
  });

  it('should refuse more than 100 or a negative number with BAD_USER_INPUT naming the field', () => {
    for (const bad of [101, -1, 1.5]) {
      try {
        pageSize(bad);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('BAD_USER_INPUT');
        expect((error as DomainError).field).toBe('first');
      }
    }
  });
});

describe('cursors', () => {
  it('should round-trip keyset values', () => {
    const cursor = encodeCursor('name', ['Nérée', 'abc']);
    expect(decodeCursor(cursor, 'name', 2)).toEqual(['Nérée', 'abc']);
  });

  it('should refuse a cursor of another ordering or garbage', () => {
    const cursor = encodeCursor('name', ['x', 'y']);
    expect(() => decodeCursor(cursor, 'rank', 2)).toThrow(DomainError);
    expect(() => decodeCursor('%%%not-base64', 'name', 2)).toThrow(DomainError);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 'name', 2)).toThrow(DomainError);
  });
});

describe('toConnection', () => {
  it('should use the extra row only to tell that a next page exists', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const connection = toConnection(rows, 2, 'id', (r) => [r.id], 10);
    expect(connection.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(connection.pageInfo.endCursor, 'id', 1)).toEqual(['b']);
    expect(toConnection(rows, 5, 'id', (r) => [r.id], 3).pageInfo.hasNextPage).toBe(false);
  });
});
