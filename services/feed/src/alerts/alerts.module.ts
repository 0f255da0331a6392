import { Module } from '@nestjs/common';
import { AlertRemindersJob } from './alert-reminders.job.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsResolver, MemberAlertsResolver } from './alerts.resolver.js';
import { AlertsService } from './alerts.service.js';

/** Network alerts, their acknowledgements, subscriptions and CRITICAL reminders. Needs FEED_DATABASE, FEED_PUBSUB, FEED_SETTINGS and CLOCK (global). */
@Module({
  providers: [AlertsRepository, AlertsService, AlertsResolver, MemberAlertsResolver, AlertRemindersJob],
  exports: [AlertsService],
})
export class AlertsModule {}
