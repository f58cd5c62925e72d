// Evidence's domain errors, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum EvidenceErrorCode {
  SnapshotNotSucceeded = 'SNAPSHOT_NOT_SUCCEEDED',
  InvalidRange = 'INVALID_RANGE',
}

const STATUS: Record<EvidenceErrorCode, number> = {
  [EvidenceErrorCode.SnapshotNotSucceeded]: 409,
  [EvidenceErrorCode.InvalidRange]: 400,
};

export class EvidenceException extends HttpException {
  constructor(readonly code: EvidenceErrorCode, message: string, details?: unknown) {
    super({ message, details: { code, ...(details !== undefined ? { info: details } : {}) } }, STATUS[code]);
  }
}
