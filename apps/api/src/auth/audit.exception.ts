// Errors of the audit log. A write whose audit entry cannot be written is refused (and rolled
// back with it): 503, because the audit store is a dependency that is failing now, the client
// may retry later, and, unlike a bare 500, the answer says for sure that nothing was changed.
import { ServiceUnavailableException } from '@nestjs/common';

export enum AuditErrorCode {
  AuditUnavailable = 'AUDIT_UNAVAILABLE',
}

export class AuditUnavailableException extends ServiceUnavailableException {
  constructor(errorId: string) {
    super({
      message: 'the change was not made: the audit log could not be written; try again later',
      details: { code: AuditErrorCode.AuditUnavailable, errorId },
    });
  }
}
