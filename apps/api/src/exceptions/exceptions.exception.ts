// Errors of the exceptions module, each with a stable code in `details.code`.
import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';

export enum ExceptionsErrorCode {
  ExceptionNotFound = 'EXCEPTION_NOT_FOUND',
  SelfApproval = 'EXCEPTION_SELF_APPROVAL',
  WrongStatus = 'EXCEPTION_WRONG_STATUS',
}

export class ExceptionNotFoundException extends NotFoundException {
  constructor(id: string) {
    super({ message: `exception ${id} not found`, details: { code: ExceptionsErrorCode.ExceptionNotFound } });
  }
}

export class SelfApprovalException extends ForbiddenException {
  constructor(action: 'approve' | 'reject' = 'approve') {
    super({
      message:
        action === 'approve'
          ? 'an exception cannot be approved by the person who requested it'
          : 'an exception cannot be rejected by the person who requested it; revoke it to withdraw it',
      details: { code: ExceptionsErrorCode.SelfApproval },
    });
  }
}

export class ExceptionStatusException extends ConflictException {
  constructor(id: string, action: string, status: string, allowed: string[]) {
    super({
      message: `exception ${id} is ${status}: only a ${allowed.join(' or ')} exception can be ${action}`,
      details: { code: ExceptionsErrorCode.WrongStatus, status },
    });
  }
}
