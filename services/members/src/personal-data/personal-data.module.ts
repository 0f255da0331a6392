import { Module } from '@nestjs/common';
import { MembersPersonalDataRepository } from './personal-data.repository.js';
import { PersonalDataResolver } from './personal-data.resolver.js';
import { PersonalDataService } from './personal-data.service.js';
import { SubgraphParts } from './subgraph-parts.js';

@Module({ providers: [MembersPersonalDataRepository, SubgraphParts, PersonalDataService, PersonalDataResolver] })
export class PersonalDataModule {}
