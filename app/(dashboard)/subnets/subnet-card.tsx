// One subnet: usage bar and counts, its pools, and the options its clients get.
import Link from 'next/link';
import { countAddresses, formatLeaseTime, poolUsage, type SubnetView } from '../../lib/subnet-view.ts';

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
        <section aria-label={`Options of ${subnet.subnet}`}>
          <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
            Handed to clients
          </h3>
          <dl className="mt-1.5 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <Option label="Routers" values={subnet.routers} />
            <Option label="DNS servers" values={subnet.dnsServers} />
            <Option label="Domain" values={subnet.domainName ? [subnet.domainName] : []} />
            <Option label="Lease time" values={[formatLeaseTime(subnet.leaseSeconds)]} plain />
          </dl>
        </section>
      </div>

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

function Option({ label, values, plain = false }: { label: string; values: string[]; plain?: boolean }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className={`min-w-0 break-words text-zinc-900 dark:text-zinc-100 ${plain ? '' : 'font-mono'}`}>
        {values.length === 0 ? (
          <span className="font-sans text-zinc-400 dark:text-zinc-500">none</span>
        ) : (
          values.join(', ')
        )}
      </dd>
    </>
  );
}
