// Run once when the Next server starts (instrumentation.ts): a dashboard that cannot find the
// daemon should say so and stop at once, not fail on every request.
import { serverEnv, ServerEnvError } from './env.ts';

export function checkServerEnvOrExit(): void {
  try {
    serverEnv();
  } catch (err) {
    if (!(err instanceof ServerEnvError)) throw err;
    console.error(`homeplane dashboard: ${err.message}`);
    process.exit(1);
  }
}
