// The diff's domain errors, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum DiffErrorCode {
  NoSnapshot = 'NO_SNAPSHOT',
  NotSucceeded = 'SNAPSHOT_NOT_SUCCEEDED',
  InvalidRange = 'INVALID_RANGE',
  InvalidInput = 'INVALID_INPUT',
}

const STATUS: Record<DiffErrorCode, number> = {
  [DiffErrorCode.NoSnapshot]: 404,
  [DiffErrorCode.NotSucceeded]: 409,
  [DiffErrorCode.InvalidRange]: 400,
  [DiffErrorCode.InvalidInput]: 400,
};

export class DiffException extends HttpException {
  constructor(readonly code: DiffErrorCode, message: string, details?: Record<string, unknown>) {
    super({ message, details: { code, ...(details ?? {}) } }, STATUS[code]);
  }
}
