import { Box, Flex, Typography } from '@strapi/design-system';

/** A tiny trend line for the list (decorative: the size next to it is the accessible value). */
export const Sparkline = ({
  points,
  width = 100,
  height = 24,
}: {
  points: number[];
  width?: number;
  height?: number;
}) => {
  if (points.length < 2) {
    return (
      <Typography variant="pi" textColor="neutral500" aria-hidden>
        —
      </Typography>
    );
  }
  const max = Math.max(...points, 1);
  const min = Math.min(...points, 0);
  const span = max - min || 1;
  const d = points
    .map((p, i) => {
      const x = (i / (points.length - 1)) * (width - 2) + 1;
      const y = height - 1 - ((p - min) / span) * (height - 2);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <svg width={width} height={height} aria-hidden="true" focusable="false" data-testid="sparkline">
      <path d={d} fill="none" stroke="#4945ff" strokeWidth={1.5} />
    </svg>
  );
};

/** The smallest of 4, 8, 10, 20, 40, 50, 80, 100, 200, … at or above `value`. */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 4, 5, 8, 10]) {
    if (step * magnitude >= value && (step * magnitude) % 4 === 0) return step * magnitude;
  }
  return 10 * magnitude;
}

export interface Series {
  label: string;
  color: string;
  values: number[];
  /** Plotted against the right axis (0–1 ratios such as stickiness). */
  ratio?: boolean;
}

/**
 * A line chart in plain SVG: one or more series over the same days. The `title`/`desc` and a
 * visually simple legend describe it; callers put the numbers in a table for screen readers.
 */
export const LineChart = ({
  days,
  series,
  title,
  height = 240,
}: {
  days: string[];
  series: Series[];
  title: string;
  height?: number;
}) => {
  const width = 800;
  const pad = { left: 48, right: 48, top: 12, bottom: 28 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const counts = series.filter((s) => !s.ratio).flatMap((s) => s.values);
  // A round top so the five grid lines get distinct whole-number labels.
  const max = niceMax(Math.max(0, ...counts));
  const x = (i: number) =>
    pad.left + (days.length < 2 ? innerW / 2 : (i / (days.length - 1)) * innerW);
  const y = (v: number, ratio?: boolean) => pad.top + innerH - (ratio ? v : v / max) * innerH;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  return (
    <Box>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={title}
        data-testid="line-chart"
      >
        <title>{title}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line
              x1={pad.left}
              x2={width - pad.right}
              y1={y(t * max)}
              y2={y(t * max)}
              stroke="#eaeaef"
            />
            <text x={pad.left - 6} y={y(t * max) + 4} fontSize={11} textAnchor="end" fill="#666687">
              {Math.round(t * max).toLocaleString()}
            </text>
            {series.some((s) => s.ratio) && (
              <text x={width - pad.right + 6} y={y(t, true) + 4} fontSize={11} fill="#666687">
                {`${Math.round(t * 100)}%`}
              </text>
            )}
          </g>
        ))}
        {days.map((d, i) =>
          (i % labelEvery === 0 && days.length - 1 - i >= labelEvery / 2) ||
          i === days.length - 1 ? (
            <text key={d} x={x(i)} y={height - 8} fontSize={11} textAnchor="middle" fill="#666687">
              {d.slice(5)}
            </text>
          ) : null
        )}
        {series.map((s) => (
          <g key={s.label}>
            <polyline
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.ratio ? '5 3' : undefined}
              points={s.values
                .map((v, i) => `${x(i).toFixed(1)},${y(v, s.ratio).toFixed(1)}`)
                .join(' ')}
            />
            {s.values.length === 1 && (
              <circle cx={x(0)} cy={y(s.values[0], s.ratio)} r={3} fill={s.color} />
            )}
          </g>
        ))}
      </svg>
      <Flex gap={4} paddingTop={2} wrap="wrap">
        {series.map((s) => (
          <Flex key={s.label} gap={2}>
            <svg width={16} height={4} aria-hidden="true">
              <line
                x1={0}
                x2={16}
                y1={2}
                y2={2}
                stroke={s.color}
                strokeWidth={3}
                strokeDasharray={s.ratio ? '4 2' : undefined}
              />
            </svg>
            <Typography variant="pi">{s.label}</Typography>
          </Flex>
        ))}
      </Flex>
    </Box>
  );
};

/**
 * A bar chart in plain SVG: one bar per label (e.g. the 24 hours of a day). Decorative detail is
 * hidden; `title` names it and each bar carries its value in a `<title>` for pointer users.
 */
export const BarChart = ({
  labels,
  values,
  title,
  height = 200,
  color = '#4945ff',
}: {
  labels: string[];
  values: number[];
  title: string;
  height?: number;
  color?: string;
}) => {
  const width = 800;
  const pad = { left: 48, right: 12, top: 12, bottom: 28 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(0, ...values));
  const slot = innerW / Math.max(values.length, 1);
  const ticks = [0, 0.5, 1];
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={title} data-testid="bar-chart">
      <title>{title}</title>
      {ticks.map((t) => {
        const y = pad.top + innerH - t * innerH;
        return (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} stroke="#eaeaef" />
            <text x={pad.left - 6} y={y + 4} fontSize="11" textAnchor="end" fill="#666687">
              {Math.round(t * max)}
            </text>
          </g>
        );
      })}
      {values.map((v, i) => {
        const h = (v / max) * innerH;
        return (
          <g key={labels[i] ?? i}>
            <rect x={pad.left + i * slot + slot * 0.15} y={pad.top + innerH - h} width={slot * 0.7} height={h} fill={color}>
              <title>{`${labels[i]}: ${v}`}</title>
            </rect>
            <text x={pad.left + i * slot + slot / 2} y={height - 10} fontSize="10" textAnchor="middle" fill="#666687">
              {labels[i]}
            </text>
          </g>
        );
      })}
    </svg>
  );
};
