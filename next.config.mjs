import createNextIntlPlugin from 'next-intl/plugin';

const withNextIntl = createNextIntlPlugin('./i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // NEXT_DIST_DIR (.env.example): a second build folder lets a build run beside a server using the first.
  // Read raw because this file cannot import lib/env.ts (TypeScript), which validates it for dev/start.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Render metadata (the <title>) in the initial HTML for every client, not streamed later: screen readers
  // and axe need a title as soon as the page loads.
  htmlLimitedBots: /.*/,
  // `npm run typecheck` (tsc --noEmit over the whole repo) is the type gate in CI; not checking twice
  // keeps the build fast.
  typescript: { ignoreBuildErrors: true },
  // Native / WASM packages are loaded from node_modules at run time rather than bundled.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'postgres', 'node-forge', 'ssh2', 'exceljs'],
};

export default withNextIntl(nextConfig);
