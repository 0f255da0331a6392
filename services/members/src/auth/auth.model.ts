import { Field, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '@pdn/subgraph';
import { Member } from '../members/member.model.js';
import type { MemberRow } from '../db/members.tables.js';

@ObjectType({ description: 'A signed-in session: send the access token as `Authorization: Bearer …`.' })
export class AuthPayload {
  @Field({ description: 'EdDSA-signed JWT, short-lived.' })
  accessToken!: string;

  @Field({ description: 'One-time token for refreshSession; each use returns a new one.' })
  refreshToken!: string;

  @Field(() => DateTimeScalar, { description: 'When the access token expires.' })
  expiresAt!: Date;

  @Field(() => Member)
  member!: MemberRow;
}
