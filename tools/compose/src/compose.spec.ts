import { describe, expect, it } from '@jest/globals';
import { SUPERGRAPH_PATH, composeSupergraph, composeWorkspace, describeDifference, readCommittedSupergraph } from './compose.js';

describe('supergraph composition', () => {
  it('should match the committed gateway/supergraph.graphql', async () => {
    const { supergraphSdl } = await composeWorkspace();
    const difference = describeDifference(readCommittedSupergraph(), supergraphSdl, SUPERGRAPH_PATH);
    if (difference !== '') {
      throw new Error(`${difference}\nRun \`npm run compose\` and commit ${SUPERGRAPH_PATH}.`);
    }
    expect(difference).toBe('');
  });

  it('should report composition errors instead of writing a supergraph', () => {
    const outcome = composeSupergraph([
      { name: 'a', url: 'http://127.0.0.1:1/graphql', port: 1, sdl: 'type Query { thing: Int }' },
      { name: 'b', url: 'http://127.0.0.1:2/graphql', port: 2, sdl: 'type Query { thing: String }' },
    ]);

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? [] : outcome.errors.join('\n')).toMatch(/thing/);
  });
});
