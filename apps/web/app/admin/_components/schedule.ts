// Snapshot schedules: the API takes minutes (5..10080); people read "hourly", "every 4 h".
export const SCHEDULE_PRESETS = [15, 30, 60, 120, 240, 360, 720, 1440, 10080];
export const SCHEDULE_MIN = 5;
export const SCHEDULE_MAX = 10080;

export function scheduleError(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < SCHEDULE_MIN || n > SCHEDULE_MAX) return `the schedule must be a whole number of minutes from ${SCHEDULE_MIN} to ${SCHEDULE_MAX} (a week)`;
  return undefined;
}

/** Cluster names as the API accepts them. */
export const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

export function nameError(name: string): string | undefined {
  if (!name) return 'give the cluster a name';
  if (!CLUSTER_NAME.test(name)) return 'lower-case letters, digits, "-" or "." only, starting and ending with a letter or digit (at most 63)';
  return undefined;
}
