// Analyze's domain errors, in the one error shape (`details.code` is stable; `details.info`
// carries the problems with file, object and field).
import { HttpException } from '@nestjs/common';

export enum AnalyzeErrorCode {
  InvalidInput = 'INVALID_INPUT',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  TooManyConnections = 'TOO_MANY_CONNECTIONS',
}

const STATUS: Record<AnalyzeErrorCode, number> = {
  [AnalyzeErrorCode.InvalidInput]: 400,
  [AnalyzeErrorCode.UnsupportedMediaType]: 415,
  [AnalyzeErrorCode.PayloadTooLarge]: 413,
  [AnalyzeErrorCode.TooManyConnections]: 422,
};

export class AnalyzeException extends HttpException {
  constructor(readonly code: AnalyzeErrorCode, message: string, details?: unknown) {
    super({ message, details: { code, ...(details !== undefined ? { info: details } : {}) } }, STATUS[code]);
  }
}
