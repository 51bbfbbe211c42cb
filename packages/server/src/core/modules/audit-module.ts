import { AuditBroker, auditSysPaths } from '../../audit/index.js';
import { auditRefusedStage, auditRequestStage, auditResponseStage } from '../pipeline/stage-audit.js';
import type { CoreModule } from './module.js';

/** Audit devices: the broker, sys/audit paths and the pipeline's audit stages. */
export const auditModule: CoreModule = {
  name: 'audit',
  needs: ['barrier', 'metrics'],
  provides: ['audit'],
  build(ctx) {
    const audit = new AuditBroker(ctx.get('barrier'), ctx.logger, undefined, ctx.get('metrics'));
    return {
      services: { audit },
      sysPaths: auditSysPaths(audit),
      stages: [
        { name: 'audit-refused', stage: auditRefusedStage(audit) },
        { name: 'audit-request', stage: auditRequestStage(audit) },
        { name: 'audit-response', stage: auditResponseStage(audit) },
      ],
      // Exactly the table: the salts under core/audit-salt/ are read when a device opens.
      invalidation: [{ prefix: 'core/audit', invalidate: (key) => (key === 'core/audit' ? audit.reload() : undefined) }],
      start: () => audit.load(),
      stop: () => audit.unload(),
    };
  },
};
