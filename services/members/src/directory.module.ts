import { Module } from '@nestjs/common';
import { StructuresRepository } from './structures/structures.repository.js';
import { StructuresResolver } from './structures/structures.resolver.js';
import { StructuresService } from './structures/structures.service.js';
import { MembersRepository } from './members/members.repository.js';
import { MembersResolver, StatusChangeResolver } from './members/members.resolver.js';
import { MembersService } from './members/members.service.js';

/** The directory: members and the structures they work for (they share their loaders). */
@Module({
  providers: [MembersRepository, MembersService, MembersResolver, StatusChangeResolver, StructuresRepository, StructuresService, StructuresResolver],
  exports: [MembersRepository, MembersService, StructuresRepository],
})
export class DirectoryModule {}
