/** The amber warning triangle the notices lead with (dhcp-notice.tsx, hypervisor-notice.tsx). */
export function WarningIcon() {
  return (
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
  );
}
