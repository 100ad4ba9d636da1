// A small line of recent samples (CPU %, memory): an SVG polyline scaled to the larger of the
// samples' maximum and `floor`, so a quiet VM's line sits low rather than filling the box.
export function Sparkline({
  values,
  floor,
  label,
  className = 'h-6 w-20',
}: {
  values: readonly number[];
  /** The least top of the scale (100 for CPU %). */
  floor: number;
  /** What it shows, for screen readers ("CPU over the last minute"). */
  label: string;
  className?: string;
}) {
  const width = 80;
  const height = 24;
  const top = Math.max(floor, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (Math.max(0, v) / top) * (height - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      className={`${className} overflow-visible text-sky-500 dark:text-sky-400`}
    >
      <line
        x1="0"
        y1={height - 0.5}
        x2={width}
        y2={height - 0.5}
        className="stroke-zinc-200 dark:stroke-zinc-700"
        strokeWidth="1"
      />
      {values.length > 1 ? (
        <polyline
          points={points}
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          vectorEffect="non-scaling-stroke"
          strokeLinejoin="round"
        />
      ) : null}
    </svg>
  );
}
