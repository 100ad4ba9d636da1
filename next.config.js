// Next.js config for the dashboard (app/). The app reaches the daemon only over gRPC
// (app/lib/backend.ts); grpc-js uses Node built-ins and dynamic requires, so it stays outside
// the server bundle and is loaded from node_modules at run time.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['@grpc/grpc-js', '@grpc/proto-loader'],
  // The root tsconfig.json is the daemon's (NodeNext, no DOM); the app has its own.
  typescript: { tsconfigPath: 'tsconfig.app.json' },
  turbopack: { root },
  poweredByHeader: false,
  // Next sends its trailing-slash redirects before proxy.ts runs, to any Host; proxy.ts sends
  // them itself, after the Host and Origin checks (a foreign Host gets 421, never a redirect).
  skipTrailingSlashRedirect: true,
  reactStrictMode: true,
};

export default nextConfig;
