/**
 * Seeded randomness for the national dataset. The same generator as `tools/seed/src/prng.ts`
 * (mulberry32; a tool may not import another tool), plus what a bulk generator needs: streams
 * derived from (seed, name, index) so that every table, and every post or alert, draws its own
 * numbers whatever order the writers run in, and ids that are unique by construction.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream of its own for `parts` (a table name, an index…), reproducible from the dataset seed. */
  static derived(seed: number, ...parts: (string | number)[]): Random {
    return new Random(mix(seed, ...parts));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('random: nothing to pick from');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** `count` different items, in random order (a partial Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  /** One key drawn with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const { keys, cumulative } = cumulativeOf(weights);
    const draw = this.next() * cumulative[cumulative.length - 1]!;
    for (let i = 0; i < cumulative.length; i++) if (draw < cumulative[i]!) return keys[i]!;
    return keys[keys.length - 1]!;
  }
}

// The weight tables are constants drawn from hundreds of thousands of times: their running sums are
// computed once per table.
const cumulativeTables = new WeakMap<object, { keys: string[]; cumulative: number[] }>();

function cumulativeOf<K extends string>(weights: Readonly<Record<K, number>>): { keys: K[]; cumulative: number[] } {
  let table = cumulativeTables.get(weights);
  if (!table) {
    const entries = Object.entries(weights) as [K, number][];
    let sum = 0;
    table = { keys: entries.map(([key]) => key), cumulative: entries.map(([, weight]) => (sum += weight)) };
    cumulativeTables.set(weights, table);
  }
  return table as { keys: K[]; cumulative: number[] };
}

/** A 32-bit seed from the dataset seed and names/indexes (FNV-1a over their text, then fmix32). */
export function mix(seed: number, ...parts: (string | number)[]): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return fmix32(hash);
}

/** MurmurHash3's finaliser: a bijection on 32-bit integers that scatters consecutive inputs. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0').slice(-digits);

/**
 * Ids for the rows of one kind (`tag`, 0–0xffff) in one dataset: a well-formed version-4 UUID whose
 * last 48 bits are the row's index, so two rows can never share one (random 122-bit draws from a
 * 32-bit generator could), and whose first 32 bits are a bijective scramble of the index, so the
 * B-tree indexes fill in random order as with the services' `gen_random_uuid()`.
 */
export function idFactory(seed: number, tag: number): (index: number) => string {
  const salt = fmix32(mix(seed, 'ids', tag));
  const middle = `${hex(tag, 4)}-4${hex(salt >>> 20, 3)}-${hex(0x8000 | (salt & 0x3fff), 4)}`;
  return (index) => `${hex(fmix32((index + salt) >>> 0), 8)}-${middle}-${hex(index, 12)}`;
}

/**
 * Splits `total` into whole shares proportional to `weights`, none above its cap (largest
 * remainders, ties to the lower index): the counts per event, per member, per post add up exactly.
 * Gives less than `total` only when the caps together allow less.
 */
export function apportion(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  const result = weights.map(() => 0);
  const capOf = (i: number) => (caps ? caps[i]! : Number.POSITIVE_INFINITY);
  let active = weights.map((_, i) => i).filter((i) => weights[i]! > 0 && capOf(i) > 0);
  let remaining = total;
  while (remaining > 0 && active.length > 0) {
    const sumOfWeights = active.reduce((sum, i) => sum + weights[i]!, 0);
    const capped = active.filter((i) => result[i]! + (remaining * weights[i]!) / sumOfWeights >= capOf(i));
    if (capped.length > 0) {
      for (const i of capped) {
        remaining -= capOf(i) - result[i]!;
        result[i] = capOf(i);
      }
      const done = new Set(capped);
      active = active.filter((i) => !done.has(i));
      continue;
    }
    const shares = active.map((i) => ({ i, share: (remaining * weights[i]!) / sumOfWeights }));
    let assigned = 0;
    for (const { i, share } of shares) {
      result[i] += Math.floor(share);
      assigned += Math.floor(share);
    }
    const leftover = remaining - assigned;
    shares
      .map(({ i, share }) => ({ i, fraction: share - Math.floor(share) }))
      .sort((a, b) => b.fraction - a.fraction || a.i - b.i)
      .slice(0, leftover)
      .forEach(({ i }) => (result[i] += 1));
    remaining = 0;
  }
  return result;
}
