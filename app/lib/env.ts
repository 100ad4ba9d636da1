// The dashboard's environment, validated with zod (as create-t3-app does): scripts/start.mjs
// and the e2e fixture set these from `homeplane endpoint`, so the app never reads the daemon's
// config itself. Checked once at server start (instrumentation.ts) and read where needed.
import { isAbsolute } from 'node:path';
import { z } from 'zod';

const serverEnvSchema = z.object({
  /** grpc-js target of the daemon: "127.0.0.1:50051", "[::1]:50051" or "unix:/abs/grpc.sock". */
  HOMEPLANE_GRPC_TARGET: z
    .string({ error: 'is not set; run the dashboard through `npm start`, which sets it from `homeplane endpoint`' })
    .regex(/^(unix:.+|\[[0-9a-fA-F:.]+\]:\d+|[^\s:/]+:\d+)$/, 'must be "host:port" or "unix:/path/to/socket"'),
  /** Absolute path of the daemon's token file (<dataDir>/grpc.token). */
  HOMEPLANE_GRPC_TOKEN_FILE: z
    .string({ error: 'is not set; run the dashboard through `npm start`, which sets it from `homeplane endpoint`' })
    .refine(isAbsolute, 'must be an absolute path'),
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
