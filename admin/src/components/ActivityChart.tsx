import { LineChart } from './Charts';
import { useT } from '../utils/useT';

/** DAU, WAU, MAU and stickiness per day: the one activity chart of the Activity and Analytics pages. */
export const ActivityChart = ({
  title,
  days,
}: {
  title: string;
  days: Array<{ day: string; dau: number; wau: number; mau: number; stickiness: number }>;
}) => {
  const t = useT();
  return (
    <LineChart
      title={title}
      days={days.map((d) => d.day)}
      series={[
        { label: t('activity.dau', 'DAU'), color: '#4945ff', values: days.map((d) => d.dau) },
        { label: t('activity.wau', 'WAU'), color: '#0c75af', values: days.map((d) => d.wau) },
        { label: t('activity.mau', 'MAU'), color: '#328048', values: days.map((d) => d.mau) },
        {
          label: t('activity.stickinessAxis', 'Stickiness (right axis)'),
          color: '#d9822f',
          values: days.map((d) => d.stickiness),
          ratio: true,
        },
      ]}
    />
  );
};
