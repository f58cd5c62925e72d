// Points in time read from requests (query strings, cursors): ISO 8601 only; a date-time without
// an offset is read as UTC, never as the API host's local time, so `?at=` means the same instant
// on every replica; anything PostgreSQL and JS Date do not both hold is a 400, not a 500.
import { BadRequestException } from '@nestjs/common';

const HAS_TIME_WITHOUT_OFFSET = /T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?$/i;
// PostgreSQL timestamptz and JS Date overlap comfortably within these years.
const MIN = Date.UTC(1970, 0, 1);
const MAX = Date.UTC(9999, 11, 31);

export function parseInstant(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const text = HAS_TIME_WITHOUT_OFFSET.test(value) ? `${value}Z` : value;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || ms < MIN || ms > MAX) {
    throw new BadRequestException({ message: `${field} must be an ISO 8601 time between 1970 and 9999`, details: [{ field, message: `${field} is not a usable time` }] });
  }
  return new Date(ms);
}

/** parseInstant for a value that must be present (cursor parts). */
export function requireInstant(value: unknown, field: string): Date {
  if (typeof value !== 'string') throw new BadRequestException(`${field} is not valid; use nextCursor from a previous page`);
  return parseInstant(value, field)!;
}
