import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@pdn/config';
import { DEVELOPMENT_IDENTITY_SIGNING_KEY, loadGatewayConfig } from './gateway.config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...new Set(error.problems.map((p) => p.variable))];
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadGatewayConfig', () => {
  it('should run a development gateway with no environment at all', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      nodeEnv: 'development',
      logLevel: 'info',
      identitySigningKey: DEVELOPMENT_IDENTITY_SIGNING_KEY,
      subgraphs: {
        members: { url: 'http://127.0.0.1:4001/graphql', timeoutMs: 5000 },
        calendar: { url: 'http://127.0.0.1:4002/graphql', timeoutMs: 5000 },
        feed: { url: 'http://127.0.0.1:4003/graphql', timeoutMs: 5000 },
      },
      corsOrigins: [],
      jwt: { jwksUrl: 'http://127.0.0.1:4001/.well-known/jwks.json', issuer: 'pdn-members', audience: 'pdn-api' },
    });
    expect(config.jwt.publicKeyPem).toBeUndefined();
    expect(config.supergraphPath).toMatch(/gateway[/\\]supergraph\.graphql$/);
  });

  it('should read the number of workers and the de-duplication of subgraph fetches', () => {
    expect(loadGatewayConfig({})).toMatchObject({ workers: 1, subgraphDeduplication: true });
    expect(loadGatewayConfig({ GATEWAY_WORKERS: '3', SUBGRAPH_DEDUPLICATION: 'false' })).toMatchObject({ workers: 3, subgraphDeduplication: false });
    expect(loadGatewayConfig({ GATEWAY_WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(problemsOf({ GATEWAY_WORKERS: '0' })).toEqual(['GATEWAY_WORKERS']);
    expect(problemsOf({ GATEWAY_WORKERS: 'all' })).toEqual(['GATEWAY_WORKERS']);
  });

  it('should let one subgraph override the shared timeout', () => {
    const config = loadGatewayConfig({ SUBGRAPH_TIMEOUT_MS: '2000', FEED_TIMEOUT_MS: '800' });
    expect(config.subgraphs.members.timeoutMs).toBe(2000);
    expect(config.subgraphs.feed.timeoutMs).toBe(800);
  });

  it('should derive the JWKS address from the members origin', () => {
    const config = loadGatewayConfig({ MEMBERS_URL: 'https://members.internal:8443/api/graphql' });
    expect(config.jwt.jwksUrl).toBe('https://members.internal:8443/.well-known/jwks.json');
  });

  it('should accept a PEM public key written on one line with \\n escapes', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const config = loadGatewayConfig({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') });
    expect(config.jwt.publicKeyPem).toBe(pem.trim());
  });

  it('should treat empty values as unset', () => {
    expect(loadGatewayConfig({ GATEWAY_PORT: '', CORS_ORIGINS: ' ' }).port).toBe(4000);
  });

  it('should name every bad variable at once', () => {
    expect(
      problemsOf({
        GATEWAY_PORT: 'abc',
        MEMBERS_URL: 'ftp://members',
        CORS_ORIGINS: 'https://ok.example.org, https://bad.example.org/',
        JWT_PUBLIC_KEY: 'not a key',
        LOG_LEVEL: 'loud',
        CALENDAR_TIMEOUT_MS: '0',
        NODE_ENV: 'staging',
      }).sort(),
    ).toEqual(
      [
        'CALENDAR_TIMEOUT_MS',
        'CORS_ORIGINS',
        'GATEWAY_PORT',
        'JWT_PUBLIC_KEY',
        'LOG_LEVEL',
        'MEMBERS_URL',
        'NODE_ENV',
      ].sort(),
    );
  });

  it('should require a real identity signing key in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['IDENTITY_SIGNING_KEY']);
    expect(problemsOf({ NODE_ENV: 'production', IDENTITY_SIGNING_KEY: DEVELOPMENT_IDENTITY_SIGNING_KEY })).toEqual([
      'IDENTITY_SIGNING_KEY',
    ]);
    expect(problemsOf({ IDENTITY_SIGNING_KEY: 'too short' })).toEqual(['IDENTITY_SIGNING_KEY']);
    const key = 'x'.repeat(32);
    expect(loadGatewayConfig({ NODE_ENV: 'production', IDENTITY_SIGNING_KEY: key }).identitySigningKey).toBe(key);
  });

  it('should say which variable is wrong in the message', () => {
    expect(() => loadGatewayConfig({ GATEWAY_PORT: '70000' })).toThrow(/GATEWAY_PORT: /);
  });
});
