import { describe, expect, it } from '@jest/globals';
import { validate } from '@pdn/domain';
import { apportion, idFactory, Random } from './random.js';

describe('apportion', () => {
  it('splits a total exactly, in proportion to the weights', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(100, [3, 1])).toEqual([75, 25]);
    expect(apportion(7, [0, 2, 5])).toEqual([0, 2, 5]);
  });

  it('never exceeds a cap, giving what is left to the others', () => {
    const shares = apportion(50, [10, 1, 1], [5, 100, 100]);
    expect(shares).toEqual([5, 23, 22]);
    expect(apportion(1_000, [1, 1], [3, 4])).toEqual([3, 4]);
    const random = new Random(3);
    const weights = Array.from({ length: 500 }, () => random.between(0.1, 3));
    const caps = Array.from({ length: 500 }, () => random.int(0, 40));
    const result = apportion(8_000, weights, caps);
    expect(result.reduce((a, b) => a + b, 0)).toBe(8_000);
    expect(result.every((share, i) => share >= 0 && share <= caps[i]!)).toBe(true);
  });
});

describe('idFactory', () => {
  it('makes well-formed UUIDs, different for every index and kind, the same for the same seed', () => {
    const posts = idFactory(1, 0x0201);
    const comments = idFactory(1, 0x0202);
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      ids.add(posts(i));
      ids.add(comments(i));
    }
    expect(ids.size).toBe(40_000);
    expect([...ids].every((id) => validate.isUuid(id))).toBe(true);
    expect(idFactory(1, 0x0201)(42)).toBe(posts(42));
    expect(idFactory(2, 0x0201)(42)).not.toBe(posts(42));
  });
});
