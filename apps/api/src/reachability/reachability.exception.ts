// Reachability's domain errors, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum ReachabilityErrorCode {
  NoSnapshot = 'NO_SNAPSHOT',
  WorkloadNotFound = 'WORKLOAD_NOT_FOUND',
  AmbiguousWorkload = 'AMBIGUOUS_WORKLOAD',
}

const STATUS: Record<ReachabilityErrorCode, number> = {
  [ReachabilityErrorCode.NoSnapshot]: 404,
  [ReachabilityErrorCode.WorkloadNotFound]: 404,
  [ReachabilityErrorCode.AmbiguousWorkload]: 400,
};

export class ReachabilityException extends HttpException {
  constructor(readonly code: ReachabilityErrorCode, message: string, details?: unknown) {
    super({ message, details: { code, ...(details !== undefined ? { info: details } : {}) } }, STATUS[code]);
  }
}
