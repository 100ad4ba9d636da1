import Link from 'next/link';
import { NavLink } from './nav-link.tsx';
import { NAV_ITEMS } from './nav-items.ts';

export function SiteHeader() {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-8 px-4 sm:px-6 lg:px-8">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-zinc-900">
          <span
            aria-hidden
            className="grid size-7 place-items-center rounded-md bg-zinc-900 text-xs font-bold text-white"
          >
            hp
          </span>
          Homeplane
        </Link>
        <nav aria-label="Sections" className="flex items-center gap-1">
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
