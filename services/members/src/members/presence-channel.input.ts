import { Field, InputType } from '@nestjs/graphql';
import { SocialNetwork, validate } from '@pdn/domain';
import { badInput } from '@pdn/errors';
import type { StoredChannel } from '../db/members.tables.js';

@InputType()
export class PresenceChannelInput {
  @Field(() => SocialNetwork)
  network!: SocialNetwork;

  @Field()
  handle!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;
}

export function validChannels(field: string, channels: PresenceChannelInput[]): StoredChannel[] {
  if (channels.length > 20) throw badInput(field, 'At most 20 channels.');
  return channels.map((c, i) => ({
    network: c.network,
    handle: validate.handle(`${field}.${i}.handle`, c.network, c.handle),
    url: c.url ? validate.httpUrl(`${field}.${i}.url`, c.url) : null,
  }));
}
