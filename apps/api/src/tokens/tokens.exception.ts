import { NotFoundException } from '@nestjs/common';

export enum TokensErrorCode {
  TokenNotFound = 'TOKEN_NOT_FOUND',
}

export class TokenNotFoundException extends NotFoundException {
  constructor(id: string) {
    super({ message: `token ${id} not found`, details: { code: TokensErrorCode.TokenNotFound } });
  }
}
