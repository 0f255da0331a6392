import { describe, expect, it } from '@jest/globals';
import { generateClientFiles, staleFiles } from './codegen.js';

describe('typed client generation', () => {
  it('should match the committed libs/client/schema.graphql and generated documents', async () => {
    const stale = staleFiles(await generateClientFiles());
    if (stale.length > 0) {
      throw new Error(`stale: ${stale.join(', ')}. Run \`npm run codegen\` (after \`npm run compose\`) and commit them.`);
    }
    expect(stale).toEqual([]);
  });
});
