import { Module } from '@nestjs/common';
import { FeedPersonalDataRepository } from './personal-data.repository.js';
import { FeedPersonalDataResolver } from './personal-data.resolver.js';
import { FeedPersonalDataService } from './personal-data.service.js';

@Module({ providers: [FeedPersonalDataRepository, FeedPersonalDataService, FeedPersonalDataResolver] })
export class FeedPersonalDataModule {}
