'use client';
import { useState } from 'react';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button"
      aria-label={label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setDone('copied');
        } catch {
          setDone('failed');
        }
        setTimeout(() => setDone('idle'), 2000);
      }}
    >
      {done === 'copied' ? 'Copied ✓' : done === 'failed' ? 'Copy failed' : 'Copy'}
      <span className="sr-only" role="status">
        {done === 'copied' ? 'copied to the clipboard' : ''}
      </span>
    </button>
  );
}
