'use client';
// The sign-in form. A failed attempt comes back with the username and the alert; the password
// field starts empty again.
import { useActionState } from 'react';
import { signIn } from '../../lib/auth-actions.ts';
import type { SignInState } from '../../lib/auth-forms.ts';
import { Field, FormAlert, SubmitButton } from '../auth-fields.tsx';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(signIn, { username: '', alert: null } satisfies SignInState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormAlert alert={state.alert} />
      <input type="hidden" name="next" value={next} />
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        defaultValue={state.username}
        autoFocus={state.username === ''}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus={state.username !== ''}
      />
      <SubmitButton label="Sign in" pending={pending} />
    </form>
  );
}
