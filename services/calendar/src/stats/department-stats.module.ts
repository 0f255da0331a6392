import { Module } from '@nestjs/common';
import { DepartmentStatsRepository } from './department-stats.repository.js';
import { DepartmentStatsResolver } from './department-stats.resolver.js';
import { DepartmentStatsService } from './department-stats.service.js';

/** Calendar's figures of the yearly bilan (DepartmentStats, whose root field members owns). */
@Module({ providers: [DepartmentStatsRepository, DepartmentStatsService, DepartmentStatsResolver] })
export class DepartmentStatsModule {}
