import { redirect } from 'next/navigation';

/** The dashboard opens on its first section. */
export default function Home(): never {
  redirect('/leases');
}
