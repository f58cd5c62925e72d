// The one token read the guard makes per credential: by the SHA-256 of the presented token,
// whatever its state (the caller decides whether it is revoked or expired, so the answer can be
// cached until the token table changes).
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

@Injectable()
export class TokenLookupRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string) {
    return this.prisma.apiToken.findUnique({
      where: { tokenHash },
      select: { id: true, name: true, role: true, expiresAt: true, revokedAt: true },
    });
  }
}
