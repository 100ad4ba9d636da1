// The shell's header: logo, the sections, and on the right the stream's state, the theme toggle
// and the account. One row from md up; on a phone the sections move to a second row that
// scrolls sideways inside its own box, so the page itself never scrolls horizontally.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ConnectionPill } from './connection-status.tsx';
import { NavLink } from './nav-link.tsx';
import { NAV_ITEMS } from './nav-items.ts';
import { ThemeToggle } from './theme-toggle.tsx';

export function SiteHeader({ since, account }: { since: number | null; account?: ReactNode }) {
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 px-4 sm:px-6 lg:px-8">
        <Link
          href="/"
          className="flex h-14 shrink-0 items-center gap-2 font-semibold tracking-tight text-zinc-900 dark:text-zinc-50"
        >
          <span
            aria-hidden
            className="grid size-7 place-items-center rounded-md bg-zinc-900 text-xs font-bold text-white dark:bg-zinc-100 dark:text-zinc-900"
          >
            hp
          </span>
          <span className="max-[399px]:sr-only">Homeplane</span>
        </Link>
        <div className="order-2 ml-auto flex h-14 items-center gap-2 md:order-3">
          {since === null ? null : <ConnectionPill since={since} />}
          <ThemeToggle />
          {account}
        </div>
        <nav
          aria-label="Sections"
          className="order-3 -mx-4 flex w-[calc(100%+2rem)] items-center gap-1 overflow-x-auto border-t border-zinc-100 px-4 py-2 [scrollbar-width:none] max-md:[mask-image:linear-gradient(to_right,black_calc(100%-2.5rem),transparent)] md:order-2 md:mx-0 md:w-auto md:overflow-visible md:border-0 md:p-0 dark:border-zinc-800"
        >
          {NAV_ITEMS.map((item) => (
            <NavLink key={item.href} href={item.href}>
              {item.label}
            </NavLink>
          ))}
        </nav>
      </div>
    </header>
  );
}
