// A page's loading state (its loading.tsx): the page's title and what is being fetched, while the
// page asks the daemon for its first data.
import { PageHeader } from './page-header.tsx';

export function PageLoading({ title, what }: { title: string; what: string }) {
  return (
    <>
      <PageHeader title={title} />
      <div
        role="status"
        className="flex items-center gap-3 rounded-lg border border-zinc-200 bg-white px-5 py-10 text-sm text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
      >
        <span
          aria-hidden
          className="size-4 animate-spin rounded-full border-2 border-zinc-300 border-t-zinc-600 dark:border-zinc-700 dark:border-t-zinc-300"
        />
        {what}
      </div>
    </>
  );
}
