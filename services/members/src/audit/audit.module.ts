import { Global, Module } from '@nestjs/common';
import { AUDIT_SINK } from '@pdn/subgraph';
import { DirectoryModule } from '../directory.module.js';
import { AuditRetentionJob } from './audit-retention.job.js';
import { AuditRepository } from './audit.repository.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';
import { MembersAuditSink } from './audit.sink.js';

/**
 * The audit log of private reads: written by the schema's visibility mechanism through AUDIT_SINK
 * (global, so the GraphQL module is given it), read by admins with `auditLog`, purged by age.
 */
@Global()
@Module({
  imports: [DirectoryModule],
  providers: [AuditRepository, AuditService, AuditResolver, AuditRetentionJob, MembersAuditSink, { provide: AUDIT_SINK, useExisting: MembersAuditSink }],
  exports: [AUDIT_SINK, MembersAuditSink],
})
export class AuditModule {}
