// Turns an API error into messages per form field, so each shows next to its input: class-validator
// 400s carry `details: [{field, message}]`; domain errors (a refused kubeconfig, a taken name)
// carry a code, mapped by the form to the field they are about.
import type { ApiError, FieldError } from '@kordon/contracts';

export interface FormErrors {
  fields: Record<string, string>;
  /** What belongs to no field (API down, 403, 503 audit unavailable…). */
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

function bodyOf(err: unknown): ApiError {
  if (err && typeof err === 'object' && 'body' in err) return (err as { body: ApiError }).body;
  return { statusCode: 0, error: 'Error', message: err instanceof Error ? err.message : String(err) };
}

export function errorCode(err: unknown): string | undefined {
  const d = bodyOf(err).details;
  return d && typeof d === 'object' && !Array.isArray(d) ? ((d as { code?: string }).code ?? undefined) : undefined;
}

/** `byCode`: field a domain error code belongs to (e.g. INVALID_SOURCE → kubeconfig). */
export function formErrorsOf(err: unknown, byCode: Record<string, string> = {}, known: string[] = []): FormErrors {
  const body = bodyOf(err);
  const fields: Record<string, string> = {};
  if (Array.isArray(body.details)) {
    for (const d of body.details as FieldError[]) {
      const field = String(d.field ?? '').split('.')[0]!;
      if (!field) continue;
      fields[field] = fields[field] ? `${fields[field]}; ${d.message}` : d.message;
    }
  }
  const code = errorCode(err);
  if (code && byCode[code]) fields[byCode[code]!] = body.message;
  const unplaced = Object.keys(fields).filter((f) => known.length && !known.includes(f));
  const placed = Object.keys(fields).length > unplaced.length;
  const form =
    body.statusCode === 403
      ? `${body.message} (this needs the admin role)`
      : !placed
        ? body.message
        : unplaced.length
          ? unplaced.map((f) => `${f}: ${fields[f]}`).join('; ')
          : null;
  return { fields, form };
}
