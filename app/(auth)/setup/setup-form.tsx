'use client';
// First-run setup: the admin's name and password (twice). Each problem is shown at its field,
// in the daemon's words for the rules it enforces.
import { useActionState } from 'react';
import { setUp } from '../../lib/auth-actions.ts';
import type { SetupState } from '../../lib/auth-forms.ts';
import { Field, FormAlert, SubmitButton } from '../auth-fields.tsx';

export function SetupForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState(setUp, {
    username: '',
    fieldErrors: {},
    alert: null,
  } satisfies SetupState);
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
        error={state.fieldErrors.username}
        hint='Lowercase letters, digits, ".", "_" or "-"; for example "admin".'
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={state.fieldErrors.password}
        hint="At least 8 characters."
      />
      <Field
        label="Confirm password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        error={state.fieldErrors.confirm}
      />
      <SubmitButton label="Create admin and sign in" pending={pending} />
    </form>
  );
}
