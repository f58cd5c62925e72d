// Root layout: plain CSS and the system font stack (no font downloads: the machines are offline).
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import './globals.css';

// Every page renders per request: the Content-Security-Policy's nonce (proxy.ts) is fresh on each
// answer, and a prerendered page would carry scripts without it.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Kordon', template: '%s · Kordon' },
  description: 'NetworkPolicy segmentation posture across your AKS fleet',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">Skip to content</a>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
