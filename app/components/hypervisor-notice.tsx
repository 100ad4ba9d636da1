// The daemon cannot run VMs (QEMU is not installed, or no host): say so in its own words
// (host.proto Host.qemu_problem) where the VM pages would otherwise offer what cannot work, as
// dhcp-notice.tsx does for DHCP.
export function HypervisorNotice({ reason }: { reason: string }) {
  return (
    <div
      role="status"
      data-testid="hypervisor-notice"
      className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <div className="flex gap-3">
        <svg
          aria-hidden
          viewBox="0 0 20 20"
          fill="currentColor"
          className="mt-0.5 size-4 shrink-0 text-amber-500 dark:text-amber-400"
        >
          <path
            fillRule="evenodd"
            d="M8.5 2.9a1.7 1.7 0 0 1 3 0l6.3 11.3a1.7 1.7 0 0 1-1.5 2.5H3.7a1.7 1.7 0 0 1-1.5-2.5L8.5 2.9ZM10 7a.8.8 0 0 0-.8.8v3.4a.8.8 0 0 0 1.6 0V7.8A.8.8 0 0 0 10 7Zm0 8a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
            clipRule="evenodd"
          />
        </svg>
        <div className="min-w-0">
          <p className="font-medium">This daemon cannot run VMs.</p>
          <p className="mt-0.5 break-words text-amber-800 dark:text-amber-200/90">{reason}</p>
          <p className="mt-2 text-amber-800 dark:text-amber-200/80">Once that is fixed, restart the daemon.</p>
        </div>
      </div>
    </div>
  );
}
