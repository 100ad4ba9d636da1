// Each subnet's pools as one bar: taken by leases or reservations, declined (out of use until
// probation ends), free for a new client.
import { Card, CardError, plural } from './card.tsx';
import { loadPoolUsage, type PoolUsage as Usage } from './load-overview.ts';

/** Share of the pools no new client could get, in percent (0 for an empty pool). */
function percentTaken(usage: Usage): number {
  return usage.poolSize === 0 ? 0 : Math.round(((usage.poolSize - usage.free) / usage.poolSize) * 100);
}

function PoolBar({ usage }: { usage: Usage }) {
  const size = Math.max(usage.poolSize, 1);
  const taken = Math.max(0, usage.poolSize - usage.free);
  const declined = Math.min(usage.declined, taken);
  const held = taken - declined;
  const percent = percentTaken(usage);
  const tone = percent >= 90 ? 'bg-rose-500' : percent >= 75 ? 'bg-amber-500' : 'bg-sky-500';
  return (
    <div
      role="meter"
      aria-label={`Pool usage of ${usage.subnet}`}
      aria-valuemin={0}
      aria-valuemax={usage.poolSize}
      aria-valuenow={taken}
      aria-valuetext={`${percent}% taken: ${usage.addressesInUse} in use, ${usage.declined} declined, ${usage.free} free of ${usage.poolSize}`}
      data-testid="pool-bar"
      data-subnet={usage.subnet}
      data-taken={taken}
      className="flex h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800"
    >
      <div className={tone} style={{ width: `${(held / size) * 100}%` }} />
      <div className="bg-rose-300 dark:bg-rose-400/70" style={{ width: `${(declined / size) * 100}%` }} />
    </div>
  );
}

export async function PoolUsage({ dhcpOff }: { dhcpOff: string | null }) {
  const subnets = await loadPoolUsage();
  return (
    <Card title="Pools" link={{ href: '/subnets', label: 'Subnets' }} testId="pool-usage">
      {!subnets.ok ? (
        <CardError reason={subnets.reason} />
      ) : subnets.value.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          {dhcpOff !== null
            ? 'No subnets: the daemon runs without DHCP (see the notice above).'
            : 'No subnets configured. Add one under dhcp.subnets in the daemon’s config and restart it.'}
        </p>
      ) : (
        <ul className="space-y-4">
          {subnets.value.map((usage) => (
            <li key={usage.subnet}>
              <div className="mb-1.5 flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
                <span className="font-mono font-medium text-zinc-900 dark:text-zinc-100">{usage.subnet}</span>
                <span className="text-xs tabular-nums text-zinc-500 dark:text-zinc-400">
                  {percentTaken(usage)}% · {usage.free.toLocaleString('en')} of {usage.poolSize.toLocaleString('en')}{' '}
                  free
                </span>
              </div>
              <PoolBar usage={usage} />
              <p className="mt-1.5 text-xs text-zinc-500 dark:text-zinc-400">
                {plural(usage.addressesInUse, 'address', 'addresses')} in use
                {usage.declined > 0 ? `, ${usage.declined.toLocaleString('en')} declined` : ''}
                {usage.reservations > 0 ? `, ${plural(usage.reservations, 'reservation', 'reservations')}` : ''} ·{' '}
                <span className="font-mono">{usage.pools.join(', ') || 'no pools'}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
