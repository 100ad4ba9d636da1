// The states the sign-in and setup forms show, shared by their server actions (auth-actions.ts)
// and client components. Plain data: they cross from the server to the browser.

/** Why the last attempt did not sign in, as the alert above the form says it. */
export type AuthAlert =
  | { kind: 'incorrect'; message: string }
  | { kind: 'rate-limited'; message: string; retryAfterSeconds: number | null }
  | { kind: 'unreachable'; message: string }
  | { kind: 'failed'; message: string };

export interface SignInState {
  /** What the visitor typed, so a failed attempt keeps it (the password is never sent back). */
  username: string;
  alert: AuthAlert | null;
}

export type SetupField = 'username' | 'password' | 'confirm';

export interface SetupState {
  username: string;
  /** A message per field, in words, shown at the field. */
  fieldErrors: Partial<Record<SetupField, string>>;
  alert: AuthAlert | null;
}

/** The heading an alert gets above its message. */
export function alertTitle(alert: AuthAlert): string {
  switch (alert.kind) {
    case 'incorrect':
      return 'Incorrect username or password';
    case 'rate-limited':
      return 'Too many failed sign-ins';
    case 'unreachable':
      return 'The Homeplane daemon is not reachable';
    case 'failed':
      return 'Could not sign in';
  }
}
