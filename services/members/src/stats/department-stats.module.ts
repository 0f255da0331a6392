import { Module } from '@nestjs/common';
import { DepartmentStatsRepository } from './department-stats.repository.js';
import { DepartmentStatsResolver } from './department-stats.resolver.js';
import { DepartmentStatsService } from './department-stats.service.js';

/** The directory's figures of the yearly bilan, and its root field. */
@Module({ providers: [DepartmentStatsRepository, DepartmentStatsService, DepartmentStatsResolver] })
export class DepartmentStatsModule {}
