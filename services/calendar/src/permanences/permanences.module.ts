import { Module } from '@nestjs/common';
import { MemberPermanencesResolver, PermanencesResolver } from './permanences.resolver.js';
import { PermanencesRepository } from './permanences.repository.js';
import { PermanencesService } from './permanences.service.js';

@Module({ providers: [PermanencesRepository, PermanencesService, PermanencesResolver, MemberPermanencesResolver] })
export class PermanencesModule {}
