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

export const CURSOR_SORT_MISMATCH = 'CURSOR_SORT_MISMATCH';

/**
 * A keyset cursor for a list with a `sort` parameter: `[sort, ...key]`. The key of one order is
 * no position in another, so a cursor is bound to the sort it was issued for.
 */
export function encodeSortCursor(sort: string, key: (string | number)[]): string {
  return encodeCursor([sort, ...key]);
}

/**
 * The key of a cursor issued for `sort` (`arity` values), or null without a cursor. A cursor of
 * another of `sorts` answers 400 naming both; anything else that is not a cursor of ours, the
 * usual invalid-cursor 400. Callers still check the key's value types.
 */
export function decodeSortCursor(cursor: string | undefined, sort: string, sorts: readonly string[], arity: number): unknown[] | null {
  if (!cursor) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (Array.isArray(v) && typeof v[0] === 'string' && v[0] !== sort && sorts.includes(v[0])) {
    throw new BadRequestException({
      message: `cursor was issued for sort=${v[0]}, not sort=${sort}; repeat the request with sort=${v[0]}, or start again without a cursor`,
      details: { code: CURSOR_SORT_MISMATCH, cursorSort: v[0], sort },
    });
  }
  if (Array.isArray(v) && v[0] === sort && v.length === arity + 1) return v.slice(1);
  throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
}
