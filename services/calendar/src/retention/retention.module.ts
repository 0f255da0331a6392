import { Module } from '@nestjs/common';
import { PresenceRetentionJob } from './presence-retention.job.js';
import { PresenceRetentionRepository } from './presence-retention.repository.js';
import { PresenceRetentionService } from './presence-retention.service.js';

@Module({ providers: [PresenceRetentionRepository, PresenceRetentionService, PresenceRetentionJob] })
export class RetentionModule {}
