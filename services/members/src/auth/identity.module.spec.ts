import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { graphql, type ExecutionResult } from 'graphql';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { DomainError } from '@pdn/errors';
import { ANONYMOUS, type Caller } from '@pdn/identity';
import { RolesGuard } from '@pdn/identity/nest';
import { createLogger } from '@pdn/logging';
import { subgraphGraphqlModule } from '@pdn/subgraph';
import { CLOCK, MEMBERS_DATABASE, MEMBERS_SETTINGS } from '../common/tokens.js';
import { InvitationsModule } from '../invitations/invitations.module.js';
import { AuthModule } from './auth.module.js';
import { AUTH_LOGGER, SIGNING_KEY_SOURCE } from './auth.tokens.js';
import { createIdentityFixture, type IdentityFixture } from './testing/identity-fixture.js';

// The identity modules wired as the app module will wire them (global infrastructure, RolesGuard as
// APP_GUARD), operations executed on the built schema, and the JWKS served over HTTP.

const PASSWORD = 'un mot de passe de test';

describe('AuthModule and InvitationsModule', () => {
  let f: IdentityFixture;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    f = await createIdentityFixture();
    const infrastructure: DynamicModule = {
      module: class IdentityTestInfrastructure {},
      global: true,
      providers: [
        { provide: MEMBERS_DATABASE, useValue: f.testDatabase.database },
        { provide: MEMBERS_SETTINGS, useValue: f.settings },
        { provide: CLOCK, useValue: f.clock },
        { provide: SIGNING_KEY_SOURCE, useValue: f.keySource },
        { provide: AUTH_LOGGER, useValue: f.logger },
      ],
      exports: [MEMBERS_DATABASE, MEMBERS_SETTINGS, CLOCK, SIGNING_KEY_SOURCE, AUTH_LOGGER],
    };
    @Module({
      imports: [
        infrastructure,
        subgraphGraphqlModule({ exposeInternals: false, logger: createLogger('members', 'silent') }),
        AuthModule,
        InvitationsModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: RolesGuard }],
    })
    class IdentityTestApp {}
    app = await NestFactory.create(IdentityTestApp, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  function execute(source: string, variables: Record<string, unknown>, caller: Caller = ANONYMOUS) {
    const { schema } = app.get(GraphQLSchemaHost);
    return graphql({ schema, source, variableValues: variables, contextValue: { caller, requestId: 'test', req: {} } }) as Promise<
      ExecutionResult<Record<string, Record<string, unknown>>>
    >;
  }
  const codeOf = (result: ExecutionResult) => {
    const original = result.errors?.[0]?.originalError;
    return original instanceof DomainError ? original.code : result.errors?.[0]?.message;
  };

  it('should expose the contract mutations and types', () => {
    const { schema } = app.get(GraphQLSchemaHost);
    const mutation = schema.getMutationType()!.getFields();
    expect(String(mutation['login']!.type)).toBe('AuthPayload!');
    expect(mutation['login']!.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['email: String!', 'password: String!']);
    expect(String(mutation['refreshSession']!.type)).toBe('AuthPayload!');
    expect(String(mutation['logout']!.type)).toBe('Boolean!');
    expect(mutation['inviteMember']!.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['input: InviteMemberInput!']);
    expect(mutation['acceptInvitation']!.args.map((a) => a.name)).toEqual(['token', 'password']);
    const payload = schema.getType('AuthPayload') as import('graphql').GraphQLObjectType;
    expect(Object.fromEntries(Object.values(payload.getFields()).map((field) => [field.name, String(field.type)]))).toEqual({
      accessToken: 'String!',
      refreshToken: 'String!',
      expiresAt: 'DateTime!',
      member: 'Member!',
    });
    const invitation = schema.getType('Invitation') as import('graphql').GraphQLObjectType;
    expect(Object.keys(invitation.getFields()).sort()).toEqual(['email', 'expiresAt', 'id', 'token']);
  });

  it('should serve the JWKS at /.well-known/jwks.json, and access tokens should verify against it', async () => {
    await f.createMember({ email: 'jwks@pdn32.test', password: PASSWORD, role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    const response = await fetch(`${baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as JSONWebKeySet;
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })]);

    const result = await execute(
      `mutation($email: String!, $password: String!) {
         login(email: $email, password: $password) { accessToken refreshToken expiresAt member { id role department } }
       }`,
      { email: 'jwks@pdn32.test', password: PASSWORD },
    );
    expect(result.errors).toBeUndefined();
    const login = result.data!['login'] as { accessToken: string; refreshToken: string; expiresAt: string; member: { id: string } };
    expect(login.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(login.member).toMatchObject({ role: 'COORDINATOR', department: '32' });
    const { payload } = await jwtVerify(login.accessToken, createLocalJWKSet(jwks), {
      issuer: 'pdn-members',
      audience: 'pdn-api',
      currentDate: f.clock.now(),
    });
    expect(payload).toMatchObject({ sub: login.member.id, role: 'COORDINATOR', departments: ['32'] });

    const refreshed = await execute(`mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`, {
      t: login.refreshToken,
    });
    expect(refreshed.errors).toBeUndefined();
    const loggedOut = await execute(`mutation($t: String!) { logout(refreshToken: $t) }`, { t: login.refreshToken });
    expect(loggedOut.data).toEqual({ logout: true });
  });

  it('should let only coordinators call inviteMember, and let the invited person accept', async () => {
    const structure = await f.createStructure({ name: 'Centre social de Condom' });
    const coordinator = await f.createMember({ email: 'coord@pdn32.test', role: 'COORDINATOR', coordinatedDepartments: ['32'] });
    const invite = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id email token expiresAt } }`;
    const input = { email: 'nouvelle@pdn32.test', firstName: 'Zoé', lastName: 'Lafont', role: 'PROMENEUR', structureId: structure.id, department: '32' };

    expect(codeOf(await execute(invite, { input }))).toBe('UNAUTHENTICATED');
    const promeneur: Caller = { kind: 'member', memberId: coordinator.id, role: 'PROMENEUR', status: 'ACTIVE', departments: ['32'] };
    expect(codeOf(await execute(invite, { input }, promeneur))).toBe('FORBIDDEN');

    const asCoordinator: Caller = { ...promeneur, role: 'COORDINATOR' };
    const invited = await execute(invite, { input }, asCoordinator);
    expect(invited.errors).toBeUndefined();
    const token = invited.data!['inviteMember']!['token'] as string;

    const accepted = await execute(
      `mutation($token: String!, $password: String!) {
         acceptInvitation(token: $token, password: $password) { accessToken member { firstName status displayName } }
       }`,
      { token, password: PASSWORD },
    );
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!['acceptInvitation']!['member']).toEqual({
      firstName: 'Zoé',
      status: 'CANDIDATE',
      displayName: 'Zoé · Centre social de Condom',
    });
  });
});
