// Reachability's domain errors, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum ReachabilityErrorCode {
  NoSnapshot = 'NO_SNAPSHOT',
  WorkloadNotFound = 'WORKLOAD_NOT_FOUND',
  AmbiguousWorkload = 'AMBIGUOUS_WORKLOAD',
  Busy = 'REACHABILITY_BUSY',
}

const STATUS: Record<ReachabilityErrorCode, number> = {
  [ReachabilityErrorCode.NoSnapshot]: 404,
  [ReachabilityErrorCode.WorkloadNotFound]: 404,
  [ReachabilityErrorCode.AmbiguousWorkload]: 400,
  [ReachabilityErrorCode.Busy]: 503,
};

export class ReachabilityException extends HttpException {
  constructor(readonly code: ReachabilityErrorCode, message: string, details?: unknown) {
    super({ message, details: { code, ...(details !== undefined ? { info: details } : {}) } }, STATUS[code]);
  }
}

/** Every computation slot and queue place is taken; RetryAfterInterceptor sends `Retry-After`. */
export class ReachabilityBusyException extends ReachabilityException {
  constructor(readonly retryAfterSeconds: number, message: string) {
    super(ReachabilityErrorCode.Busy, message);
  }
}
