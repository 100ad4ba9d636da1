// One subnet: usage bar and counts, its pools, its network boot settings, and the options its
// clients get (the subnet's over the global ones, each with where it is set).
import Link from 'next/link';
import {
  countAddresses,
  formatLeaseTime,
  hasBoot,
  poolUsage,
  type BootView,
  type SubnetView,
} from '../../lib/subnet-view.ts';
import { OptionList } from './option-list.tsx';

const BAR: Record<'ok' | 'high' | 'full', string> = {
  ok: 'bg-emerald-500 dark:bg-emerald-400',
  high: 'bg-amber-500 dark:bg-amber-400',
  full: 'bg-rose-500 dark:bg-rose-400',
};

export function SubnetCard({ subnet }: { subnet: SubnetView }) {
  const usage = poolUsage(subnet);
  const titleId = `subnet-${subnet.subnet.replace(/[^0-9a-z]/gi, '-')}`;
  const stats: [string, number, string][] = [
    ['Pool size', subnet.poolSize, 'pool-size'],
    ['In use', subnet.inUse, 'in-use'],
    ['Free', subnet.free, 'free'],
    ['Declined', subnet.declined, 'declined'],
    ['Reservations', subnet.reservations, 'reservations'],
  ];
  return (
    <article
      aria-labelledby={titleId}
      data-subnet={subnet.subnet}
      className="rounded-lg border border-zinc-200 bg-white p-5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id={titleId} className="font-mono text-lg font-semibold text-zinc-900 dark:text-zinc-100">
          {subnet.subnet}
        </h2>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          {subnet.domainName || 'no domain'} · leases of {formatLeaseTime(subnet.leaseSeconds)}
        </p>
      </div>

      <div className="mt-4">
        <div className="flex justify-between text-sm">
          <span className="text-zinc-700 dark:text-zinc-300">
            {subnet.poolSize === 0 ? 'No dynamic pool: reservations only' : `${usage.percent} % of the pools taken`}
          </span>
          <span className="text-zinc-500 tabular-nums dark:text-zinc-400">
            {usage.taken} / {subnet.poolSize}
          </span>
        </div>
        <div
          role="meter"
          aria-label={`Pool usage of ${subnet.subnet}`}
          aria-valuemin={0}
          aria-valuemax={subnet.poolSize}
          aria-valuenow={usage.taken}
          aria-valuetext={`${usage.taken} of ${countAddresses(subnet.poolSize)} taken, ${subnet.free} free`}
          data-level={usage.level}
          className="mt-1.5 h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
        >
          <div className={`h-full rounded-full ${BAR[usage.level]}`} style={{ width: `${usage.percent}%` }} />
        </div>
      </div>

      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-5">
        {stats.map(([label, value, id]) => (
          <div key={id} className="rounded-md bg-zinc-50 px-3 py-2 dark:bg-zinc-800/60">
            <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
            <dd
              data-testid={`subnet-${id}`}
              className="text-lg font-semibold text-zinc-900 tabular-nums dark:text-zinc-100"
            >
              {value.toLocaleString('en-US')}
            </dd>
          </div>
        ))}
      </dl>

      <div className="mt-5 grid gap-5 md:grid-cols-2">
        <section aria-label={`Pools of ${subnet.subnet}`}>
          <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Pools</h3>
          {subnet.pools.length === 0 ? (
            <p className="mt-1.5 text-sm text-zinc-500 dark:text-zinc-400">
              None: only reserved clients get an address here.
            </p>
          ) : (
            <ul className="mt-1.5 space-y-1 text-sm">
              {subnet.pools.map((pool) => (
                <li key={`${pool.start}-${pool.end}`} className="flex flex-wrap gap-x-2">
                  <span className="font-mono text-zinc-900 dark:text-zinc-100">
                    {pool.start} – {pool.end}
                  </span>
                  <span className="text-zinc-500 dark:text-zinc-400">{countAddresses(pool.size)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-label={`Network boot in ${subnet.subnet}`}>
          <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Network boot</h3>
          <BootSettings
            boot={subnet.boot}
            none="None set for the subnet: only a class or a reservation can give a boot file."
          />
        </section>
      </div>

      <section aria-label={`Options of ${subnet.subnet}`} className="mt-5">
        <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
          Handed to clients
        </h3>
        <p className="mt-1.5 text-sm text-zinc-700 dark:text-zinc-300">
          A client gets an option when it asks for it (or when it is marked always); its classes and its reservation may
          set their own.
        </p>
        <OptionList options={subnet.options} label={`Options of ${subnet.subnet}`} />
      </section>

      <div className="mt-5 flex flex-wrap gap-4 text-sm">
        <Link
          href={`/leases?subnet=${encodeURIComponent(subnet.subnet)}`}
          className="font-medium text-sky-700 hover:underline dark:text-sky-400"
        >
          Leases in {subnet.subnet}
        </Link>
        <Link
          href={`/reservations?q=${encodeURIComponent(subnet.subnet)}`}
          className="font-medium text-sky-700 hover:underline dark:text-sky-400"
        >
          Reservations in {subnet.subnet}
        </Link>
      </div>
    </article>
  );
}

/** siaddr, file and sname as a short list; `none` when nothing is set. */
export function BootSettings({ boot, none }: { boot: BootView; none: string }) {
  if (!hasBoot(boot)) return <p className="mt-1.5 text-sm text-zinc-500 dark:text-zinc-400">{none}</p>;
  const rows: [string, string, string][] = [
    ['Next server', boot.nextServer, 'next-server'],
    ['Boot file', boot.bootFile, 'boot-file'],
    ['Boot server name', boot.serverHostname, 'server-hostname'],
  ];
  return (
    <dl className="mt-1.5 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
      {rows
        .filter(([, value]) => value !== '')
        .map(([label, value, id]) => (
          <div key={id} className="contents">
            <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
            <dd data-testid={`boot-${id}`} className="font-mono break-words text-zinc-900 dark:text-zinc-100">
              {value}
            </dd>
          </div>
        ))}
    </dl>
  );
}
