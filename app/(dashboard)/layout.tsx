// The signed-in shell: header with the sections, then the page. Every page below checks the
// session itself too (app/lib/session.ts), since a layout is not re-run on client navigation.
import type { ReactNode } from 'react';
import { SiteHeader } from '../components/site-header.tsx';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">{children}</main>
    </>
  );
}
