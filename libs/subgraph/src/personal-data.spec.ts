import { describe, expect, it } from '@jest/globals';
import { parseValue } from 'graphql';
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { personalDataCoverageProblems, personalDataExportProblems, withoutOmitted, type TableCoverage } from './personal-data.js';
import { JSONScalar } from './scalars.js';

const members = pgTable('members', { id: uuid('id').primaryKey(), name: text('name') });
const notes = pgTable('notes', {
  id: uuid('id').primaryKey(),
  authorId: uuid('author_id').references(() => members.id),
  body: text('body'),
  secretHash: text('secret_hash'),
});
const folders = pgTable('folders', { id: uuid('id').primaryKey(), title: text('title') });
const files = pgTable('files', {
  id: uuid('id').primaryKey(),
  folderId: uuid('folder_id').references(() => folders.id),
  ownerId: uuid('owner_id'),
  at: timestamp('at', { withTimezone: true }),
});
const schema = { members, notes, folders, files };

const complete: Record<string, TableCoverage> = {
  members: { subjects: { id: '' } },
  notes: { subjects: { authorId: 'notes' }, omit: { secretHash: 'a secret' } },
  folders: { notExported: 'no person in it' },
  files: { subjects: { ownerId: 'files' } },
};

describe('personal-data coverage', () => {
  it('should accept a map that classifies every table and member-id column', () => {
    expect(personalDataCoverageProblems(schema, complete)).toEqual([]);
  });

  it('should name a table missing from the map, and an entry for no table', () => {
    const { files: _files, ...rest } = complete;
    expect(personalDataCoverageProblems(schema, { ...rest, archives: { notExported: 'gone' } })).toEqual([
      'archives: in the coverage map but not a table of the schema',
      expect.stringMatching(/^files \(table files\): not in the coverage map/),
    ]);
  });

  it('should name a uuid column without a foreign key, or with one to the members table, that is classified nowhere', () => {
    expect(personalDataCoverageProblems(schema, { ...complete, files: { notExported: 'why not' } })).toEqual([
      expect.stringMatching(/^files\.ownerId: may hold a member id, yet the table is not exported/),
    ]);
    expect(personalDataCoverageProblems(schema, { ...complete, notes: { subjects: { id: 'notes' } } })).toEqual([
      expect.stringMatching(/^notes\.authorId: may hold a member id; list it in subjects/),
    ]);
  });

  it('should accept a uuid column declared as holding something else, and ignore foreign keys to other tables', () => {
    expect(personalDataCoverageProblems(schema, { ...complete, files: { notExported: 'why not', otherIds: { ownerId: 'a device' } } })).toEqual([]);
  });

  it('should name an entry for a column that does not exist', () => {
    expect(personalDataCoverageProblems(schema, { ...complete, notes: { subjects: { authorId: 'notes', editorId: 'edits' }, omit: { secretHash: 'a secret' } } })).toEqual([
      'notes.editorId: listed in subjects but not a column',
    ]);
  });

  it('should name an empty path, a row lacking a column, and an omitted column that shows', () => {
    const part = { id: 'm', name: 'Isabelle', notes: [{ id: 'n', authorId: 'm', body: 'x', secretHash: 'h' }], files: [] };
    expect(personalDataExportProblems(schema, complete, part)).toEqual([
      'notes.authorId → notes[0]: shows omitted secretHash',
      'files.ownerId → files: nothing exported (does the fixture fill it?)',
    ]);
    expect(personalDataExportProblems(schema, complete, { id: 'm', notes: [{ id: 'n', authorId: 'm', body: 'x' }], files: [{ id: 'f', folderId: null, ownerId: 'm', at: null }] })).toEqual([
      'members.id → (the part itself)[0]: lacks name',
    ]);
  });

  it('should leave omitted columns out of an exported row', () => {
    expect(withoutOmitted(complete.notes, { id: 'n', body: 'x', secretHash: 'h' })).toEqual({ id: 'n', body: 'x' });
  });
});

describe('the JSON scalar', () => {
  it('should write instants as DateTime does, in Paris time, and drop undefined properties', () => {
    expect(JSONScalar.serialize({ at: new Date('2026-07-14T08:30:00Z'), list: [1, 'a', null, true], gone: undefined })).toEqual({
      at: '2026-07-14T10:30:00+02:00',
      list: [1, 'a', null, true],
    });
  });

  it('should refuse what JSON cannot carry', () => {
    expect(() => JSONScalar.serialize({ n: Number.NaN })).toThrow(/NaN \(at \$\.n\)/);
    expect(() => JSONScalar.serialize({ f: () => 1 })).toThrow(/function/);
    expect(() => JSONScalar.serialize(new Map())).toThrow(/Map/);
  });

  it('should read literals and variables as plain JSON', () => {
    expect(JSONScalar.parseLiteral(parseValue('{ a: [1, "b", null], c: $v }'), { v: true })).toEqual({ a: [1, 'b', null], c: true });
    expect(JSONScalar.parseValue({ a: 1 })).toEqual({ a: 1 });
  });
});
