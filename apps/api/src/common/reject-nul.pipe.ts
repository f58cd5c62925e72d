// PostgreSQL text cannot hold NUL characters; refuse them at the door with a 400 instead of
// letting the database answer with an error that would surface as a 500.
import { BadRequestException, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

const MAX_DEPTH = 64;

class TooDeep extends Error {}

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object') return false;
  // Deeper nesting than any real request needs would overflow the stack in class-transformer.
  if (depth > MAX_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type === 'custom') return value;
    let nul: boolean;
    try {
      nul = hasNul(value);
    } catch (err) {
      if (err instanceof TooDeep) throw new BadRequestException(`the request ${meta.type} is nested deeper than ${MAX_DEPTH} levels`);
      throw err;
    }
    if (nul) throw new BadRequestException(`the request ${meta.type} contains a NUL character, which is not accepted`);
    return value;
  }
}
