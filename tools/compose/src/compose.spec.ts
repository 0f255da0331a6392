import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  PER_VIEWER_FIELDS_PATH,
  SUPERGRAPH_PATH,
  composeSupergraph,
  composeWorkspace,
  describeDifference,
  perViewerFields,
  readCommitted,
  readCommittedSupergraph,
} from './compose.js';

describe('supergraph composition', () => {
  let composed: Awaited<ReturnType<typeof composeWorkspace>>;
  beforeAll(async () => {
    composed = await composeWorkspace();
  });

  it('should match the committed gateway/supergraph.graphql', () => {
    const difference = describeDifference(readCommittedSupergraph(), composed.supergraphSdl, SUPERGRAPH_PATH);
    if (difference !== '') {
      throw new Error(`${difference}\nRun \`npm run compose\` and commit ${SUPERGRAPH_PATH}.`);
    }
    expect(difference).toBe('');
  });

  it('should match the committed gateway/per-viewer-fields.json', () => {
    const difference = describeDifference(readCommitted(PER_VIEWER_FIELDS_PATH), composed.perViewerFieldsJson, PER_VIEWER_FIELDS_PATH);
    if (difference !== '') {
      throw new Error(`${difference}\nRun \`npm run compose\` and commit ${PER_VIEWER_FIELDS_PATH}.`);
    }
    expect(difference).toBe('');
  });

  it('should list the @perViewer and PRIVATE fields of the subgraphs as per-viewer', () => {
    const { fields } = JSON.parse(composed.perViewerFieldsJson) as { fields: Record<string, string[]> };
    expect(fields['Alert']).toEqual(['acknowledgedByMe']);
    expect(fields['Subscription']).toEqual(['alertUpdated']);
    expect(fields['Event']).toContain('myRegistration');
    expect(fields['Post']).toEqual(expect.arrayContaining(['myReactions', 'republishedFrom']));
    expect(fields['Member']).toEqual(expect.arrayContaining(['charterAcceptedAt', 'statusHistory', 'registrations']));
    expect(fields['Member']).not.toContain('displayName');
  });

  it('should read @perViewer and @visibility(layer: "PRIVATE") from type definitions and extensions, nothing else', () => {
    const sdl = `
      type Query { thing: Thing }
      type Thing { mine: Boolean @perViewer shared: Int private: String @visibility(layer: "PRIVATE") network: String @visibility(layer: "NETWORK") }
      extend type Other { seen: Boolean @perViewer }
      interface Node { id: ID! mineToo: Int @perViewer }
    `;
    expect(perViewerFields([{ sdl }])).toEqual({ Node: ['mineToo'], Other: ['seen'], Thing: ['mine', 'private'] });
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
