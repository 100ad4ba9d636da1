// The dashboard's environment, validated with zod (as create-t3-app does): scripts/start.mjs
// and the e2e fixture set these from `homeplane endpoint`, so the app never reads the daemon's
// config itself. Checked once at server start (instrumentation.ts) and read where needed.
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { isHostName } from './dashboard-access.ts';

/** dashboard.maxStreams's range and default (server/config/schema.ts). */
const MAX_STREAMS = { min: 1, max: 10_000, default: 256 };

const serverEnvSchema = z.object({
  /** grpc-js target of the daemon: "127.0.0.1:50051", "[::1]:50051" or "unix:/abs/grpc.sock". */
  HOMEPLANE_GRPC_TARGET: z
    .string({ error: 'is not set; run the dashboard through `npm start`, which sets it from `homeplane endpoint`' })
    .regex(/^(unix:.+|\[[0-9a-fA-F:.]+\]:\d+|[^\s:/]+:\d+)$/, 'must be "host:port" or "unix:/path/to/socket"'),
  /** Absolute path of the daemon's token file (<dataDir>/grpc.token). */
  HOMEPLANE_GRPC_TOKEN_FILE: z
    .string({ error: 'is not set; run the dashboard through `npm start`, which sets it from `homeplane endpoint`' })
    .refine(isAbsolute, 'must be an absolute path'),
  /** dashboard.allowedHosts: Host names answered besides loopback, comma-separated; unset = none. */
  HOMEPLANE_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const names = text
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '');
      for (const name of names.filter((name) => !isHostName(name))) {
        ctx.addIssue({
          code: 'custom',
          message: `"${name}" is not a host name; list names without scheme or port, comma-separated (from dashboard.allowedHosts)`,
        });
      }
      return names;
    }),
  /** dashboard.maxStreams: live event streams (tabs) open at once; unset = the config's default. */
  HOMEPLANE_MAX_STREAMS: z
    .string()
    .default(String(MAX_STREAMS.default))
    .transform((text, ctx) => {
      const count = /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : NaN;
      if (count >= MAX_STREAMS.min && count <= MAX_STREAMS.max) return count;
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a whole number ${MAX_STREAMS.min}-${MAX_STREAMS.max} (from dashboard.maxStreams)`,
      });
      return z.NEVER;
    }),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

/** The environment cannot work; the message lists every variable with what is wrong. */
export class ServerEnvError extends Error {
  override readonly name = 'ServerEnvError';
}

export function serverEnv(env: Record<string, string | undefined> = process.env): ServerEnv {
  const parsed = serverEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ServerEnvError(`the dashboard's environment is invalid:\n${problems.join('\n')}`);
}
