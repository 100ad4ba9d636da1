// The signed-in shell: header with the sections, the DHCP-off notice, then the page. Every page
// below checks the session itself (requireSession, app/lib/session.ts), since a layout is not
// re-run on client navigation; the shell only asks the daemon about itself for a signed-in
// visitor, so a stranger learns nothing from it before the page sends them to sign in.
import type { ReactNode } from 'react';
import { DhcpNotice } from '../components/dhcp-notice.tsx';
import { SiteHeader } from '../components/site-header.tsx';
import { dhcpOffReason, getDaemonStatus } from '../lib/daemon-status.ts';
import { BackendError } from '../lib/backend.ts';
import { currentSession } from '../lib/session.ts';

/** The DHCP-off reason to show a signed-in visitor, else null (an unreachable daemon is the page's to show). */
async function dhcpNoticeReason(): Promise<string | null> {
  try {
    if ((await currentSession()) === null) return null;
  } catch (err) {
    if (err instanceof BackendError) return null;
    throw err;
  }
  return dhcpOffReason(await getDaemonStatus());
}

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const dhcpOff = await dhcpNoticeReason();
  return (
    <>
      <SiteHeader />
      {dhcpOff === null ? null : <DhcpNotice reason={dhcpOff} placement="banner" />}
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">{children}</main>
    </>
  );
}
