// Shown while the page asks the daemon for its first data.
import { PageHeader } from '../../components/page-header.tsx';

export default function Loading() {
  return (
    <>
      <PageHeader title="Subnets" />
      <div
        role="status"
        className="flex items-center gap-3 rounded-lg border border-zinc-200 bg-white px-5 py-10 text-sm text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
      >
        <span
          aria-hidden
          className="size-4 animate-spin rounded-full border-2 border-zinc-300 border-t-zinc-600 dark:border-zinc-700 dark:border-t-zinc-300"
        />
        Loading subnets and their usage from the daemon…
      </div>
    </>
  );
}
