// One Overview card: a titled section with an optional link to the page that has the detail.
import Link from 'next/link';
import type { ReactNode } from 'react';

export function Card({
  title,
  link,
  action,
  className = '',
  children,
  testId,
}: {
  title: string;
  link?: { href: string; label: string };
  /** A control beside the title (the chart's range switch). */
  action?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
}) {
  const id = `card-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section
      aria-labelledby={id}
      data-testid={testId}
      className={`h-full min-w-0 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900 ${className}`}
    >
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h2 id={id} className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          {title}
        </h2>
        {link ? (
          <Link
            href={link.href}
            className="text-xs font-medium whitespace-nowrap text-sky-700 hover:underline dark:text-sky-400"
          >
            {link.label} →
          </Link>
        ) : null}
        {action}
      </div>
      {children}
    </section>
  );
}

/** What a card shows while its data loads. */
export function CardSkeleton({
  title,
  lines = 3,
  className = '',
}: {
  title: string;
  lines?: number;
  className?: string;
}) {
  return (
    <Card title={title} className={className}>
      <div aria-busy="true" className="animate-pulse space-y-3">
        <span className="sr-only">Loading {title.toLowerCase()}…</span>
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className="h-4 rounded bg-zinc-100 dark:bg-zinc-800" style={{ width: `${90 - i * 15}%` }} />
        ))}
      </div>
    </Card>
  );
}

/** A card's data could not be read: the reason, and that the page retries. */
export function CardError({ reason }: { reason: string }) {
  return (
    <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-100">
      {reason}
    </p>
  );
}

/** "1 lease", "2 leases". */
export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
