'use client';
// Minutes with presets; the reading ("every 4 h") is shown as it is typed.
import { formatSchedule } from '../../../lib/format';
import { Field } from './field';
import { SCHEDULE_MAX, SCHEDULE_MIN, SCHEDULE_PRESETS, scheduleError } from './schedule';

export function ScheduleField({
  id,
  value,
  onChange,
  error,
  placeholder,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  placeholder?: string;
}) {
  const own = scheduleError(value);
  const n = Number(value);
  const reading = value.trim() && !own ? formatSchedule(n) : placeholder ? `default: ${placeholder}` : '';
  return (
    <Field
      id={id}
      label="Snapshot schedule (minutes)"
      hint={
        <>
          <output htmlFor={id} data-testid={`${id}-reading`}>
            {reading}
          </output>
          {reading ? ' · ' : ''}
          {SCHEDULE_MIN} min to a week ({SCHEDULE_MAX})
        </>
      }
      error={error ?? own}
    >
      {(a11y) => (
        <span className="schedule-control">
          <input {...a11y} name="scheduleMinutes" type="number" inputMode="numeric" min={SCHEDULE_MIN} max={SCHEDULE_MAX} step={1} value={value} placeholder={placeholder ?? '60'} onChange={(e) => onChange(e.target.value)} />
          <select aria-label="Schedule presets" value="" onChange={(e) => e.target.value && onChange(e.target.value)}>
            <option value="">Presets…</option>
            {SCHEDULE_PRESETS.map((m) => (
              <option key={m} value={String(m)}>
                {formatSchedule(m)} ({m} min)
              </option>
            ))}
          </select>
        </span>
      )}
    </Field>
  );
}
