import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '@pdn/subgraph';

/** What a partner application's key may read; the subgraphs check it against the data asked for. */
export enum ApiScope {
  DIRECTORY_READ = 'DIRECTORY_READ',
  CALENDAR_READ = 'CALENDAR_READ',
  FEED_READ = 'FEED_READ',
  ALERTS_READ = 'ALERTS_READ',
}

registerEnumType(ApiScope, {
  name: 'ApiScope',
  description: 'What a partner application may read with an API key',
  valuesMap: {
    DIRECTORY_READ: { description: 'The public directory of promeneurs and structures' },
    CALENDAR_READ: { description: 'Public events and permanences' },
    FEED_READ: { description: 'Public posts of the information feed' },
    ALERTS_READ: { description: 'Network alerts of the key\'s départements' },
  },
});

@ObjectType({
  description:
    'A partner application\'s key. Partners send its secret as `X-API-Key` (or `apiKey` in graphql-ws\'s connection_init); only a hash of the secret is kept.',
})
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [ApiScope])
  scopes!: ApiScope[];

  @Field(() => [String], { description: 'INSEE codes of the départements whose data the key reaches' })
  departments!: string[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'After this the key is refused; null: no expiry' })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last request made with the key, to the minute' })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Set once revoked: from then on every request with it is refused' })
  revokedAt!: Date | null;

  @Field({ description: 'The key may only run the operations of the gateway\'s safelist' })
  persistedOnly!: boolean;

  @Field(() => Int, { nullable: true, description: 'Requests per minute; null: the gateway\'s default for keys' })
  rateLimitPerMinute!: number | null;
}

@ObjectType({ description: 'A new key and its secret: the secret is shown this once and cannot be read again' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  key!: ApiKey;

  @Field({ description: 'Send it as `X-API-Key`. Keep it secret: only its hash is stored.' })
  secret!: string;
}
