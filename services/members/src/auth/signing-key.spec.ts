import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint } from 'jose';
import { ConfigError } from '@pdn/config';
import {
  fileSigningKeySource,
  pemSigningKeySource,
  SIGNING_KEY_FILE,
  signingKeySourceFromSettings,
} from './signing-key.js';

const ed25519Pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('signing keys', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pdn-signing-key-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should read JWT_PRIVATE_KEY, also written on one line with literal \\n, with the RFC 7638 thumbprint as kid', async () => {
    const pem = ed25519Pem();
    const key = await pemSigningKeySource(pem.replaceAll('\n', '\\n')).load();
    expect(key.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' });
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x! }));
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('should refuse a key that is not Ed25519, naming JWT_PRIVATE_KEY', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => pemSigningKeySource(rsa)).toThrow(ConfigError);
    expect(() => pemSigningKeySource('nonsense')).toThrow(/JWT_PRIVATE_KEY/);
  });

  it('should refuse to run in production without JWT_PRIVATE_KEY', () => {
    expect(() => signingKeySourceFromSettings({ NODE_ENV: 'production' })).toThrow(/JWT_PRIVATE_KEY: is required in production/);
  });

  it('should use an in-memory key in tests and a persisted one in development', () => {
    expect(signingKeySourceFromSettings({ NODE_ENV: 'test' }).description).toBe('in-memory key');
    expect(signingKeySourceFromSettings({ NODE_ENV: 'development' }, '/srv/pdn').description).toBe(
      `/srv/pdn/.data/members/${SIGNING_KEY_FILE}`,
    );
    expect(signingKeySourceFromSettings({ NODE_ENV: 'development', PGDATA_DIR: '/var/lib/pdn' }).description).toBe(
      `/var/lib/pdn/members/${SIGNING_KEY_FILE}`,
    );
  });

  it('should generate the development key once, private to its owner, and find the same key after a restart', async () => {
    const file = path.join(dir, 'members', SIGNING_KEY_FILE);
    const [a, b] = await Promise.all([fileSigningKeySource(file).load(), fileSigningKeySource(file).load()]);
    expect(a.kid).toBe(b.kid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await fileSigningKeySource(file).load()).kid).toBe(a.kid);
  });
});
