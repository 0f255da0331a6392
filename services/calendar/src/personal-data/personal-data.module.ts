import { Module } from '@nestjs/common';
import { CalendarPersonalDataRepository } from './personal-data.repository.js';
import { CalendarPersonalDataResolver } from './personal-data.resolver.js';
import { CalendarPersonalDataService } from './personal-data.service.js';

@Module({ providers: [CalendarPersonalDataRepository, CalendarPersonalDataService, CalendarPersonalDataResolver] })
export class CalendarPersonalDataModule {}
