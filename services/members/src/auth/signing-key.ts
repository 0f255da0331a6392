import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JWK } from 'jose';
import { ConfigError } from '@pdn/config';
import type { MembersSettings } from '../members.config.js';

/** The Ed25519 key that signs access tokens, with the public half as the gateway fetches it. */
export interface SigningKey {
  privateKey: KeyObject;
  /** Public JWK with `kid`, `alg: 'EdDSA'` and `use: 'sig'`. */
  publicJwk: JWK;
  kid: string;
}

/**
 * Where the signing key comes from: the environment, a file in the data folder, or memory (tests).
 * `load` is called on first use, not at start, so that printing the schema touches no file.
 */
export interface SigningKeySource {
  readonly description: string;
  load(): Promise<SigningKey>;
}

export const SIGNING_KEY_FILE = 'jwt-signing-key.pem';

/** Reads a PKCS#8 PEM Ed25519 private key; `origin` names where it came from in error messages. */
export function signingKeyFromPem(pem: string, origin = 'JWT_PRIVATE_KEY'): SigningKey {
  let privateKey: KeyObject;
  try {
    // Environments often carry a PEM on one line with literal "\n".
    privateKey = createPrivateKey({ key: pem.includes('\\n') ? pem.replaceAll('\\n', '\n') : pem, format: 'pem' });
  } catch {
    throw new ConfigError([{ variable: origin, message: 'is not a PEM (PKCS#8) private key' }]);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError([
      { variable: origin, message: `must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'a symmetric key'}` },
    ]);
  }
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  // The RFC 7638 thumbprint (required members, sorted, no spaces): the same key gets the same kid on
  // every replica and after every restart.
  const kid = createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
  return { privateKey, kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } };
}

function generatePem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The key given in the environment, checked at once so a bad key stops the service at start. */
export function pemSigningKeySource(pem: string, origin = 'JWT_PRIVATE_KEY'): SigningKeySource {
  const key = signingKeyFromPem(pem, origin);
  return { description: origin, load: async () => key };
}

/** A fresh key that lives as long as the process: tests, and tools that start the service briefly. */
export function ephemeralSigningKeySource(): SigningKeySource {
  let key: SigningKey | undefined;
  return {
    description: 'in-memory key',
    load: async () => (key ??= signingKeyFromPem(generatePem(), 'generated key')),
  };
}

/**
 * Development: a key generated on first use and kept next to the PGlite data, so tokens survive a
 * restart. Created with O_EXCL and mode 0600, so two processes starting together end up with one key.
 */
export function fileSigningKeySource(file: string): SigningKeySource {
  return {
    description: file,
    async load() {
      try {
        return signingKeyFromPem(await readFile(file, 'utf8'), file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await mkdir(path.dirname(file), { recursive: true });
      try {
        await writeFile(file, generatePem(), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      return signingKeyFromPem(await readFile(file, 'utf8'), file);
    },
  };
}

/**
 * JWT_PRIVATE_KEY when set. Otherwise production refuses to start (replicas would each sign with a key
 * of their own), tests get an in-memory key, and development keeps one in the members data folder
 * (`<PGDATA_DIR>/members`, default `.data/members`, as members-app.ts places PGlite).
 */
export function signingKeySourceFromSettings(
  settings: Pick<MembersSettings, 'NODE_ENV' | 'JWT_PRIVATE_KEY' | 'PGDATA_DIR'>,
  cwd: string = process.cwd(),
): SigningKeySource {
  if (settings.JWT_PRIVATE_KEY) return pemSigningKeySource(settings.JWT_PRIVATE_KEY);
  if (settings.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'JWT_PRIVATE_KEY', message: 'is required in production' }]);
  }
  if (settings.NODE_ENV === 'test') return ephemeralSigningKeySource();
  const root = settings.PGDATA_DIR ? path.resolve(cwd, settings.PGDATA_DIR) : path.resolve(cwd, '.data');
  return fileSigningKeySource(path.join(root, 'members', SIGNING_KEY_FILE));
}
