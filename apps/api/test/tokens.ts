// API tokens for tests, made through the API itself (as an admin would).
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Role } from '@prisma/client';
import { ADMIN_AUTH } from './test-app';

export interface IssuedToken {
  id: string;
  token: string;
  auth: { Authorization: string };
}

export async function issueToken(
  app: INestApplication,
  role: Role,
  body: { name?: string; expiresAt?: string; expiresInDays?: number } = {},
): Promise<IssuedToken> {
  const res = await request(app.getHttpServer())
    .post('/api/tokens')
    .set(ADMIN_AUTH)
    .send({ name: body.name ?? `test-${role}-${Math.random().toString(36).slice(2, 8)}`, role, ...body });
  if (res.status !== 201) throw new Error(`issuing a ${role} token answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.id, token: res.body.token, auth: { Authorization: `Bearer ${res.body.token}` } };
}
