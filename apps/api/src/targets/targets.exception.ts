// Rollout targets' domain errors, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum TargetErrorCode {
  Invalid = 'INVALID_TARGET',
  NotFound = 'TARGET_NOT_FOUND',
}

export class TargetException extends HttpException {
  constructor(readonly code: TargetErrorCode, message: string) {
    super({ message, details: { code } }, code === TargetErrorCode.NotFound ? 404 : 400);
  }
}
