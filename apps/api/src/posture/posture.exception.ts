// Errors of the posture read model, in the one error shape (`details.code` is stable).
import { HttpException } from '@nestjs/common';

export enum PostureErrorCode {
  NoSnapshot = 'NO_SNAPSHOT',
  NamespaceNotFound = 'NAMESPACE_NOT_FOUND',
}

const STATUS: Record<PostureErrorCode, number> = {
  [PostureErrorCode.NoSnapshot]: 404,
  [PostureErrorCode.NamespaceNotFound]: 404,
};

export class PostureException extends HttpException {
  constructor(readonly code: PostureErrorCode, message: string) {
    super({ message, details: { code } }, STATUS[code]);
  }
}
