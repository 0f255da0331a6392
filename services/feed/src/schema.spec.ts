import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { printSubgraphSdl } from './schema.js';

describe('feed subgraph schema', () => {
  it('should know Member by its key', async () => {
    const sdl = await printSubgraphSdl();
    expect(sdl).toMatch(/type Member\s+@key\(fields: "id"\)/);
  });
});
