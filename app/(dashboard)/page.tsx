import { redirect } from 'next/navigation';
import { requireSession } from '../lib/session.ts';

/** The dashboard opens on its first section. */
export default async function Home(): Promise<never> {
  await requireSession();
  redirect('/leases');
}
