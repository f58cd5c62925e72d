// Domain errors with a stable code, mapped to HTTP statuses in one place.
import { HttpException } from '@nestjs/common';

export enum KordonErrorCode {
  ClusterNotFound = 'CLUSTER_NOT_FOUND',
  ClusterNameTaken = 'CLUSTER_NAME_TAKEN',
  SnapshotNotFound = 'SNAPSHOT_NOT_FOUND',
  ClusterDisabled = 'CLUSTER_DISABLED',
  InvalidSource = 'INVALID_SOURCE',
  SecretsUnavailable = 'SECRETS_UNAVAILABLE',
}

const STATUS: Record<KordonErrorCode, number> = {
  [KordonErrorCode.ClusterNotFound]: 404,
  [KordonErrorCode.SnapshotNotFound]: 404,
  [KordonErrorCode.ClusterNameTaken]: 409,
  [KordonErrorCode.ClusterDisabled]: 409,
  [KordonErrorCode.InvalidSource]: 400,
  [KordonErrorCode.SecretsUnavailable]: 503,
};

export class KordonException extends HttpException {
  constructor(readonly code: KordonErrorCode, message: string, details?: unknown) {
    super({ message, details: { code, ...(details !== undefined ? { info: details } : {}) } }, STATUS[code]);
  }
}
