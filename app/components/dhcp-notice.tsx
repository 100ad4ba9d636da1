// DHCP is off: say so, in the daemon's own words, instead of an empty table that looks as if all
// were well (issue 8: a non-root `npm start` used to show "no leases" with no hint why).
//
// Two placements: the shell shows `banner` under the header on every page; a page whose data
// only DHCP can produce (leases, pool usage) shows `page` where its empty state would be.
// Both carry the reason, so tests should scope by data-testid ("dhcp-banner", "dhcp-notice").

import { WarningIcon } from './warning-icon.tsx';

export function DhcpNotice({
  reason,
  placement = 'page',
  what,
}: {
  /** The daemon's reason (dhcpOffReason() in app/lib/daemon-status.ts). */
  reason: string;
  placement?: 'banner' | 'page';
  /** What the page would show, plural ("leases"): "No leases while DHCP is off". */
  what?: string;
}) {
  const banner = placement === 'banner';
  return (
    <div
      role="status"
      data-testid={banner ? 'dhcp-banner' : 'dhcp-notice'}
      className={
        banner
          ? 'border-b border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/30 dark:bg-amber-950/60 dark:text-amber-100'
          : 'rounded-lg border border-amber-200 bg-amber-50 p-5 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-950/40 dark:text-amber-100'
      }
    >
      <div className={banner ? 'mx-auto flex max-w-7xl gap-3 px-4 py-2.5 text-sm sm:px-6 lg:px-8' : 'flex gap-3'}>
        <WarningIcon />
        <div className="min-w-0">
          <p className="font-medium">
            {what ? `No ${what} while DHCP is off.` : 'DHCP is off: this daemon answers no DHCP requests.'}
          </p>
          <p className="mt-0.5 break-words text-amber-800 dark:text-amber-200/90">{reason}</p>
          {banner ? null : (
            <p className="mt-2 text-amber-800 dark:text-amber-200/80">Once that is fixed, restart the daemon.</p>
          )}
        </div>
      </div>
    </div>
  );
}
