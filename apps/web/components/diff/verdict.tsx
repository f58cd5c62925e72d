'use client';
// The what-if's one-line answer: "This change opens N connections / breaks default-deny in X",
// or "No new connections", the same rule `kordon analyze --against` exits 1 on.
import { toDiffView, type ApiDiff } from './adapter';

export function VerdictBanner({ result }: { result: ApiDiff }) {
  const v = toDiffView(result).verdict ?? { opens: 0, closes: 0, breaksDefaultDeny: [] };
  const bad = v.opens > 0 || v.breaksDefaultDeny.length > 0;
  const parts: string[] = [];
  if (v.opens > 0) parts.push(`opens connections between ${v.opens} pair${v.opens === 1 ? '' : 's'}`);
  if (v.breaksDefaultDeny.length) parts.push(`breaks default-deny in ${v.breaksDefaultDeny.join(', ')}`);
  return (
    <p className={`notice verdict ${bad ? 'notice-bad' : 'notice-good'}`} role="status" data-testid="verdict" data-bad={bad ? 'true' : 'false'}>
      {bad ? (
        <>
          <strong>✗ This change {parts.join(' and ')}.</strong>
        </>
      ) : (
        <>
          <strong>✓ No new connections</strong>
          {v.closes > 0 ? `; it closes connections between ${v.closes} pair${v.closes === 1 ? '' : 's'}` : ''}, and no namespace loses default-deny.
        </>
      )}
    </p>
  );
}
