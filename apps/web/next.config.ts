// Next.js config of the Kordon web app. The app lives in apps/web but imports libs/contracts, so
// the repository root is the workspace root for Turbopack and for file tracing.
import { resolve } from 'node:path';
import type { NextConfig } from 'next';

const repoRoot = resolve(__dirname, '../..');

const nextConfig: NextConfig = {
  // The container image (Dockerfile, target web) runs Next's standalone server: only the files
  // the server traces, no node_modules of the workspace. `npm start` keeps `next start`.
  ...(process.env.KORDON_NEXT_OUTPUT === 'standalone' ? { output: 'standalone' as const } : {}),
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // The Content-Security-Policy is per answer (its nonce), so proxy.ts sets it; these are fixed.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
        ],
      },
    ];
  },
};

export default nextConfig;
