// Whether first-run setup is still open. Not a server action (auth-actions.ts): the pages ask
// while they render, and nothing in the browser needs to call it.
import 'server-only';
import { GetSetupStateRequest } from '../../proto/gen/homeplane/v1/auth.ts';
import { call } from './backend.ts';

/** True while no admin exists; a daemon that cannot be reached throws BackendError. */
export async function setupOpen(): Promise<boolean> {
  const { adminExists } = await call((c) => c.auth.getSetupState.bind(c.auth), GetSetupStateRequest.fromPartial({}));
  return !adminExists;
}
