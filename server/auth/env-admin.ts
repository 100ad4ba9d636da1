// The admin named by the environment at daemon start: HOMEPLANE_ADMIN_USER and
// HOMEPLANE_ADMIN_PASSWORD together create that user, or reset its password. The password is
// never logged.
import type { Logger } from '../ports.ts';
import type { Accounts, AdminOutcome } from './accounts.ts';

export async function applyEnvAdmin(
  accounts: Accounts,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<AdminOutcome | null> {
  const username = env['HOMEPLANE_ADMIN_USER'] ?? '';
  const password = env['HOMEPLANE_ADMIN_PASSWORD'] ?? '';
  if (username === '' && password === '') return null;
  if (username === '' || password === '') {
    logger.warn(
      {},
      'HOMEPLANE_ADMIN_USER and HOMEPLANE_ADMIN_PASSWORD must be set together; the admin from the environment was not applied',
    );
    return null;
  }
  const outcome = await accounts.ensureAdmin(username, password);
  logger.info({ username, outcome }, 'admin from the environment applied');
  return outcome;
}
