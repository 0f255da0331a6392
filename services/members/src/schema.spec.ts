import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { printSubgraphSdl } from './schema.js';

describe('members subgraph schema', () => {
  it('should print a Federation 2 SDL with the Member and Structure entities', async () => {
    const sdl = await printSubgraphSdl();
    expect(sdl).toMatch(/type Member\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Structure\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/members\(filter: MemberFilter, first: Int, after: String\): MemberConnection!/);
  });
});
