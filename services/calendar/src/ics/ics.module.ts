import { Module } from '@nestjs/common';
import { IcsController } from './ics.controller.js';
import { IcsRepository } from './ics.repository.js';
import { IcsResolver } from './ics.resolver.js';
import { IcsService } from './ics.service.js';

/** iCalendar feeds (GET /ics/...) and the private feed's token. Needs CALENDAR_DATABASE, CALENDAR_SETTINGS and CLOCK (global). */
@Module({
  controllers: [IcsController],
  providers: [IcsRepository, IcsService, IcsResolver],
})
export class IcsModule {}
