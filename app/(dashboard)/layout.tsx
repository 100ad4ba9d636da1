// The signed-in shell: header (sections, stream state, theme, account), the reconnecting banner,
// the DHCP-off notice, then the page. Every page below checks the session itself
// (requireSession, app/lib/session.ts), since a layout is not re-run on client navigation; the
// shell asks the daemon about itself only for a signed-in visitor, so a stranger learns nothing
// from it before the page sends them to sign in.
import type { ReactNode } from 'react';
import { AccountMenu } from '../components/account-menu.tsx';
import { ConnectionBanner } from '../components/connection-status.tsx';
import { DhcpNotice } from '../components/dhcp-notice.tsx';
import { SiteHeader } from '../components/site-header.tsx';
import { BackendError } from '../lib/backend.ts';
import { dhcpOffReason, getDaemonStatus, streamRevision } from '../lib/daemon-status.ts';
import { currentSession } from '../lib/session.ts';

interface Shell {
  signedIn: boolean;
  /** The revision the connection state follows the stream from; null while nobody is signed in or the daemon is away. */
  since: number | null;
  dhcpOff: string | null;
}

async function signedIn(): Promise<boolean> {
  try {
    return (await currentSession()) !== null;
  } catch (err) {
    if (err instanceof BackendError) return false; // the daemon is away: the page says so
    throw err;
  }
}

async function shell(): Promise<Shell> {
  if (!(await signedIn())) return { signedIn: false, since: null, dhcpOff: null };
  const daemon = await getDaemonStatus();
  return { signedIn: true, since: await streamRevision(), dhcpOff: dhcpOffReason(daemon) };
}

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { signedIn: known, since, dhcpOff } = await shell();
  return (
    <>
      <SiteHeader since={since} account={known ? <AccountMenu /> : null} />
      {since === null ? null : <ConnectionBanner since={since} />}
      {dhcpOff === null ? null : <DhcpNotice reason={dhcpOff} placement="banner" />}
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8 lg:px-8">{children}</main>
    </>
  );
}
