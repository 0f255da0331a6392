import { describe, expect, it } from '@jest/globals';
import { databaseConnectionFor, databaseUrlFor, databaseUrlVariableFor } from './database-url.js';

const shared = 'postgres://app@db:5432/pdn';
const members = 'postgres://app@members-db:5432/members';

describe('databaseUrlFor', () => {
  it('should prefer the service URL over the shared DATABASE_URL', () => {
    expect(databaseUrlFor('members', { MEMBERS_DATABASE_URL: members, DATABASE_URL: shared })).toBe(members);
  });

  it('should fall back to DATABASE_URL', () => {
    expect(databaseUrlFor('calendar', { MEMBERS_DATABASE_URL: members, DATABASE_URL: shared })).toBe(shared);
  });

  it('should be undefined when neither is set, or when they are empty', () => {
    expect(databaseUrlFor('feed', {})).toBeUndefined();
    expect(databaseUrlFor('feed', { FEED_DATABASE_URL: '', DATABASE_URL: '  ' })).toBeUndefined();
  });

  it('should read process.env by default', () => {
    const saved = process.env['FEED_DATABASE_URL'];
    process.env['FEED_DATABASE_URL'] = shared;
    try {
      expect(databaseUrlFor('feed')).toBe(shared);
    } finally {
      if (saved === undefined) delete process.env['FEED_DATABASE_URL'];
      else process.env['FEED_DATABASE_URL'] = saved;
    }
  });

  it('should refuse a service name that is not a plain identifier', () => {
    expect(() => databaseUrlFor('Members', {})).toThrow(/Invalid service name/);
    expect(() => databaseUrlFor('feed;drop', {})).toThrow(/Invalid service name/);
  });
});

describe('databaseConnectionFor', () => {
  it('should confine a service to its own schema when the URL is the shared one', () => {
    expect(databaseConnectionFor('calendar', { DATABASE_URL: shared })).toEqual({ url: shared, pgSchema: 'calendar' });
  });

  it('should leave a service with its own URL in the default schema', () => {
    expect(databaseConnectionFor('members', { MEMBERS_DATABASE_URL: members, DATABASE_URL: shared })).toEqual({
      url: members,
    });
  });

  it('should select embedded PGlite when nothing is configured', () => {
    expect(databaseConnectionFor('members', {})).toEqual({});
  });

  it('should name the per-service variable after the service', () => {
    expect(databaseUrlVariableFor('members')).toBe('MEMBERS_DATABASE_URL');
  });
});
