// Errors of the history read model, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum HistoryErrorCode {
  InvalidRange = 'INVALID_RANGE',
  TooManyPoints = 'TOO_MANY_POINTS',
  NamespaceNotFound = 'NAMESPACE_NOT_FOUND',
}

const STATUS: Record<HistoryErrorCode, number> = {
  [HistoryErrorCode.InvalidRange]: 400,
  [HistoryErrorCode.TooManyPoints]: 400,
  [HistoryErrorCode.NamespaceNotFound]: 404,
};

export class HistoryException extends HttpException {
  constructor(readonly code: HistoryErrorCode, message: string) {
    super({ message, details: { code } }, STATUS[code]);
  }
}
