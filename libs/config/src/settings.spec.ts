import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, DEVELOPMENT_IDENTITY_KEY, booleanFlag, commaList, identitySigningKey, loadSettings, port, sharedSettings } from '@pdn/config';

const schema = z.object({ ...sharedSettings, PORT: port(4001), FLAG: booleanFlag(false), ORIGINS: commaList() });

describe('loadSettings', () => {
  it('should apply defaults and coerce values', () => {
    const settings = loadSettings(schema, { PORT: '5000', FLAG: 'yes', ORIGINS: 'a, b' });
    expect(settings).toMatchObject({ PORT: 5000, FLAG: true, ORIGINS: ['a', 'b'], NODE_ENV: 'development', LOG_LEVEL: 'info' });
  });

  it('should name every bad variable', () => {
    expect(() => loadSettings(schema, { PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadSettings(schema, { PORT: 'eighty', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'PORT']);
      expect((error as Error).message).toContain('PORT');
    }
  });

  it('should treat empty strings as unset', () => {
    expect(loadSettings(schema, { PORT: '' }).PORT).toBe(4001);
    expect(loadSettings(schema, { PORT: '   ' }).PORT).toBe(4001);
  });

  it('should refuse to run production without an identity signing key', () => {
    expect(() => identitySigningKey({ NODE_ENV: 'production' })).toThrow(/IDENTITY_SIGNING_KEY/);
    expect(() => identitySigningKey({ NODE_ENV: 'production', IDENTITY_SIGNING_KEY: DEVELOPMENT_IDENTITY_KEY })).toThrow(/development key/);
    expect(identitySigningKey({ NODE_ENV: 'development' })).toMatch(/^.{32,}$/);
  });
});
