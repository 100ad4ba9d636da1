// The daemon cannot run VMs (QEMU is not installed, or no host): say so in its own words
// (host.proto Host.qemu_problem) where the VM pages would otherwise offer what cannot work, as
// dhcp-notice.tsx does for DHCP.
import { WarningIcon } from './warning-icon.tsx';

export function HypervisorNotice({ reason }: { reason: string }) {
  return (
    <div
      role="status"
      data-testid="hypervisor-notice"
      className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <div className="flex gap-3">
        <WarningIcon />
        <div className="min-w-0">
          <p className="font-medium">This daemon cannot run VMs.</p>
          <p className="mt-0.5 break-words text-amber-800 dark:text-amber-200/90">{reason}</p>
          <p className="mt-2 text-amber-800 dark:text-amber-200/80">Once that is fixed, restart the daemon.</p>
        </div>
      </div>
    </div>
  );
}
