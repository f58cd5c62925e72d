// Opaque keyset cursors: base64url of the last row's sort key, so pages stay stable while rows
// are added.
import { BadRequestException } from '@nestjs/common';

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity) return v;
  } catch {
    // fall through
  }
  throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
}
