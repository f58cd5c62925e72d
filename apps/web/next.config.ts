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
};

export default nextConfig;
