import { Box, Typography } from '@strapi/design-system';
import {
  Bar,
  BarChart as RechartsBarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart as RechartsLineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/**
 * The admin's charts, drawn with recharts (responsive, tooltips, keyboard-reachable through its
 * accessibility layer). Each chart is wrapped in a labelled `role="img"` box; pages put the exact
 * numbers in a table next to it for screen readers.
 */

const AXIS = { fontSize: 11, fill: '#666687' };
const GRID = '#eaeaef';
const percent = (v: number) => `${Math.round(v * 100)}%`;

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
  return (
    <Box aria-hidden="true" data-testid="sparkline" style={{ width, height }}>
      <RechartsLineChart
        width={width}
        height={height}
        data={points.map((value, i) => ({ i, value }))}
      >
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line
          type="linear"
          dataKey="value"
          stroke="#4945ff"
          strokeWidth={1.5}
          dot={false}
          isAnimationActive={false}
        />
      </RechartsLineChart>
    </Box>
  );
};

export interface Series {
  label: string;
  color: string;
  values: number[];
  /** Plotted against the right axis (0–1 ratios such as stickiness). */
  ratio?: boolean;
}

/** One or more series over the same days; ratio series (0–1) on a right-hand percentage axis. */
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
  const data = days.map((day, i) => ({
    day,
    ...Object.fromEntries(series.map((s) => [s.label, s.values[i] ?? null])),
  }));
  const hasRatio = series.some((s) => s.ratio);
  const ratioLabels = new Set(series.filter((s) => s.ratio).map((s) => s.label));
  return (
    <Box role="img" aria-label={title} data-testid="line-chart" style={{ width: '100%', height }}>
      <ResponsiveContainer width="100%" height="100%">
        <RechartsLineChart data={data} margin={{ top: 12, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis
            dataKey="day"
            tick={AXIS}
            tickFormatter={(d: string) => d.slice(5)}
            minTickGap={24}
          />
          <YAxis yAxisId="count" tick={AXIS} allowDecimals={false} width={48} />
          {hasRatio && (
            <YAxis
              yAxisId="ratio"
              orientation="right"
              domain={[0, 1]}
              tick={AXIS}
              tickFormatter={percent}
              width={48}
            />
          )}
          <Tooltip
            formatter={(value, name) =>
              typeof value === 'number' && ratioLabels.has(String(name)) ? percent(value) : value
            }
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Line
              key={s.label}
              yAxisId={s.ratio ? 'ratio' : 'count'}
              type="monotone"
              dataKey={s.label}
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.ratio ? '5 3' : undefined}
              dot={days.length === 1}
              isAnimationActive={false}
            />
          ))}
        </RechartsLineChart>
      </ResponsiveContainer>
    </Box>
  );
};

/** One bar per label (e.g. the 24 hours of a day), each bar's value in its tooltip. */
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
}) => (
  <Box role="img" aria-label={title} data-testid="bar-chart" style={{ width: '100%', height }}>
    <ResponsiveContainer width="100%" height="100%">
      <RechartsBarChart data={labels.map((label, i) => ({ label, value: values[i] ?? 0 }))}>
        <CartesianGrid stroke={GRID} vertical={false} />
        <XAxis dataKey="label" tick={AXIS} interval={0} />
        <YAxis tick={AXIS} allowDecimals={false} width={48} />
        <Tooltip />
        <Bar dataKey="value" name={title} fill={color} isAnimationActive={false} />
      </RechartsBarChart>
    </ResponsiveContainer>
  </Box>
);
