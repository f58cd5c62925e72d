// Values read from query strings and paths. Points in time: ISO 8601 only (validated by the DTOs); a date-time without
// an offset is read as UTC, never as the API host's local time, so `?at=` means the same
// instant on every replica.

export { parseInstant } from '../common/instant';

/** A Kubernetes namespace name (RFC 1123 label). */
export const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
