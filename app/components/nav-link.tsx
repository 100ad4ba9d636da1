'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef, type ReactNode } from 'react';

/** A section of the header; "/" (Overview) is current only on itself, the others on their sub-pages too. */
export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const pathname = usePathname();
  const active = href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
  const link = useRef<HTMLAnchorElement>(null);
  // On a phone the sections scroll sideways in their own row: keep the current one in view.
  useEffect(() => {
    if (active) link.current?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [active]);
  return (
    <Link
      ref={link}
      href={href}
      aria-current={active ? 'page' : undefined}
      className={`shrink-0 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:outline-none ${
        active
          ? 'bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50'
          : 'text-zinc-500 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100'
      }`}
    >
      {children}
    </Link>
  );
}
