// Lease activity as stacked bars, drawn as SVG here (no chart library): one bar a bucket, the
// kinds stacked bottom up in ACTIVITY_SERIES order. Each bar's tooltip names its time and
// counts; the chart as a whole is one image whose label sums the window for screen readers.
import Link from 'next/link';
import {
  ACTIVITY_RANGES,
  ACTIVITY_SERIES,
  bucketTotal,
  describeCounts,
  type ActivityBucketView,
  type ActivityRange,
  type ActivitySeries,
  type ActivityView,
} from '../../lib/activity.ts';
import { Card, CardError } from './card.tsx';
import { loadActivity } from './load-overview.ts';

const SERIES_STYLE: Record<ActivitySeries, { label: string; fill: string; swatch: string }> = {
  granted: { label: 'Granted', fill: 'fill-emerald-500', swatch: 'bg-emerald-500' },
  renewed: { label: 'Renewed', fill: 'fill-sky-500', swatch: 'bg-sky-500' },
  released: { label: 'Released', fill: 'fill-zinc-400', swatch: 'bg-zinc-400' },
  expired: { label: 'Expired', fill: 'fill-amber-500', swatch: 'bg-amber-500' },
  declined: { label: 'Declined', fill: 'fill-rose-500', swatch: 'bg-rose-500' },
};

/** SVG units: each bucket is BAR wide with GAP between; the height is CHART_HEIGHT. */
const BAR = 8;
const GAP = 2;
const CHART_HEIGHT = 100;

/** "14:03 UTC": the server renders the chart, so times are in a zone server and browser agree on. */
function clock(at: number): string {
  return `${new Date(at).toISOString().slice(11, 16)} UTC`;
}

function Bar({ bucket, index, view }: { bucket: ActivityBucketView; index: number; view: ActivityView }) {
  const x = index * (BAR + GAP);
  const end = bucket.startsAt + view.range.bucketSeconds * 1000;
  let y = CHART_HEIGHT;
  return (
    <g data-testid="activity-bar" data-total={bucketTotal(bucket)}>
      <title>{`${clock(bucket.startsAt)}–${clock(end)}: ${describeCounts(bucket)}`}</title>
      {/* The full-height strip takes the hover, so empty buckets have a tooltip too. */}
      <rect x={x} y={0} width={BAR + GAP} height={CHART_HEIGHT} className="fill-transparent" />
      {ACTIVITY_SERIES.map((series) => {
        const count = bucket[series];
        if (count === 0) return null;
        const height = (count / view.peak) * CHART_HEIGHT;
        y -= height;
        return <rect key={series} x={x} y={y} width={BAR} height={height} className={SERIES_STYLE[series].fill} />;
      })}
    </g>
  );
}

function RangeSwitch({ current }: { current: ActivityRange }) {
  return (
    <div
      role="group"
      aria-label="Activity range"
      className="inline-flex rounded-lg border border-zinc-200 bg-zinc-50 p-0.5 text-xs font-medium dark:border-zinc-700 dark:bg-zinc-800"
    >
      {Object.values(ACTIVITY_RANGES).map((range) => (
        <Link
          key={range.id}
          href={range.id === 'hour' ? '/' : `/?activity=${range.id}`}
          scroll={false}
          aria-current={range.id === current.id ? 'true' : undefined}
          className={`rounded-md px-2.5 py-1 ${
            range.id === current.id
              ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-950 dark:text-zinc-100'
              : 'text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
          }`}
        >
          {range.label}
        </Link>
      ))}
    </div>
  );
}

function Chart({ view }: { view: ActivityView }) {
  const width = Math.max(view.buckets.length, 1) * (BAR + GAP);
  const summary = `Lease activity, ${view.range.label.toLowerCase()}, ${view.range.bucketLabel}: ${describeCounts(view.totals)}.`;
  const quiet = ACTIVITY_SERIES.every((series) => view.totals[series] === 0);
  const oldest = view.buckets[0]?.startsAt ?? null;
  const undercounted = view.retainedSince !== null && oldest !== null && view.retainedSince > oldest;
  return (
    <>
      <ul className="mb-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-300" aria-label="Legend">
        {ACTIVITY_SERIES.map((series) => (
          <li
            key={series}
            data-testid={`activity-total-${series}`}
            data-count={view.totals[series]}
            className="flex items-center gap-1.5"
          >
            <span aria-hidden className={`size-2.5 rounded-sm ${SERIES_STYLE[series].swatch}`} />
            {SERIES_STYLE[series].label}
            <span className="font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">
              {view.totals[series].toLocaleString('en')}
            </span>
          </li>
        ))}
      </ul>
      <div className="relative">
        <span className="absolute top-0 left-0 text-[10px] leading-none tabular-nums text-zinc-400 dark:text-zinc-500">
          {view.peak.toLocaleString('en')}
        </span>
        <svg
          role="img"
          aria-label={summary}
          viewBox={`0 0 ${width} ${CHART_HEIGHT}`}
          preserveAspectRatio="none"
          className="block h-40 w-full border-b border-zinc-200 dark:border-zinc-700"
        >
          <line
            x1={0}
            x2={width}
            y1={0.5}
            y2={0.5}
            vectorEffect="non-scaling-stroke"
            className="stroke-zinc-200 dark:stroke-zinc-800"
            strokeDasharray="3 3"
          />
          {view.buckets.map((bucket, index) => (
            <Bar key={bucket.startsAt} bucket={bucket} index={index} view={view} />
          ))}
        </svg>
        {quiet ? (
          <p className="absolute inset-0 grid place-items-center text-sm text-zinc-500 dark:text-zinc-400">
            No lease activity {view.range.id === 'hour' ? 'in the last hour' : 'in the last day'}.
          </p>
        ) : null}
      </div>
      <div className="mt-1.5 flex justify-between text-[11px] text-zinc-500 dark:text-zinc-400">
        <span>{view.range.id === 'hour' ? '60 min ago' : '24 h ago'}</span>
        <span>{view.range.id === 'hour' ? '30 min ago' : '12 h ago'}</span>
        <span>now</span>
      </div>
      <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">
        One bar {view.range.id === 'hour' ? 'a minute' : 'every 30 minutes'}, the newest on the right.
        {undercounted ? ` The event log goes back to ${clock(view.retainedSince!)}.` : ''}
      </p>
    </>
  );
}

export async function ActivityChart({ range }: { range: ActivityRange }) {
  const activity = await loadActivity(range);
  return (
    <Card title="Lease activity" action={<RangeSwitch current={range} />} testId="lease-activity">
      {activity.ok ? <Chart view={activity.value} /> : <CardError reason={activity.reason} />}
    </Card>
  );
}
