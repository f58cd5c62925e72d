// Errors of the policy detail read, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum PoliciesErrorCode {
  PolicyNotFound = 'POLICY_NOT_FOUND',
}

const STATUS: Record<PoliciesErrorCode, number> = {
  [PoliciesErrorCode.PolicyNotFound]: 404,
};

export class PoliciesException extends HttpException {
  constructor(readonly code: PoliciesErrorCode, message: string) {
    super({ message, details: { code } }, STATUS[code]);
  }
}
