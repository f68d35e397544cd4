import { Box, Button, Flex, IconButton } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { NumberField, SelectField, TextField } from './fields';
import { newWhereRow, type EventNode, type RuleNode, type WhereRow } from './ruleTree';
import { useEnv } from './env';
import { ValueConditionEditor } from './ValueConditionEditor';

/** A behaviour row: the event, its property filter, what is measured and over which window. */
const WhereEditor = ({ node, onChange }: { node: EventNode; onChange: (n: RuleNode) => void }) => {
  const { t, catalog } = useEnv();
  const properties = catalog?.events.find((e) => e.name === node.name)?.properties ?? [];
  const setRow = (row: WhereRow) =>
    onChange({ ...node, where: node.where.map((r) => (r.id === row.id ? row : r)) });
  return (
    <Flex direction="column" alignItems="stretch" gap={2} paddingLeft={4}>
      {node.where.map((row) => (
        <Flex key={row.id} gap={2} alignItems="flex-end" wrap="wrap">
          <TextField
            label={t('builder.property', 'Property')}
            value={row.property}
            suggestions={properties.map((p) => p.key)}
            onChange={(property) => setRow({ ...row, property })}
          />
          <ValueConditionEditor
            cond={row}
            info={properties.find((p) => p.key === row.property)}
            subject={row.property}
            onChange={(c) => setRow({ ...row, ...c })}
          />
          <IconButton
            label={t('builder.removeWhere', 'Remove property condition')}
            variant="ghost"
            onClick={() => onChange({ ...node, where: node.where.filter((r) => r.id !== row.id) })}
          >
            <Trash />
          </IconButton>
        </Flex>
      ))}
      <Box>
        <Button
          variant="tertiary"
          size="S"
          startIcon={<Plus />}
          onClick={() => onChange({ ...node, where: [...node.where, newWhereRow()] })}
        >
          {t('builder.addWhere', 'Where property…')}
        </Button>
      </Box>
    </Flex>
  );
};

export const EventEditor = ({
  node,
  onChange,
}: {
  node: EventNode;
  onChange: (n: RuleNode) => void;
}) => {
  const { t, catalog } = useEnv();
  const properties = catalog?.events.find((e) => e.name === node.name)?.properties ?? [];
  const numeric = node.measure !== 'once' && node.measure !== 'first' && node.measure !== 'last';
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Flex gap={2} alignItems="flex-end" wrap="wrap">
        <TextField
          label={t('builder.eventName', 'Event')}
          value={node.name}
          suggestions={catalog?.events.map((e) => e.name)}
          onChange={(name) => onChange({ ...node, name })}
        />
        <SelectField
          label={t('builder.measure', 'Measure')}
          value={node.measure}
          options={[
            { value: 'once', label: t('builder.measure.once', 'did it at least once') },
            { value: 'count', label: t('builder.measure.count', 'number of times') },
            { value: 'activeDays', label: t('builder.measure.activeDays', 'number of days') },
            { value: 'sum', label: t('builder.measure.sum', 'total of a property') },
            { value: 'avg', label: t('builder.measure.avg', 'average of a property') },
            { value: 'first', label: t('builder.measure.first', 'first time') },
            { value: 'last', label: t('builder.measure.last', 'last time') },
          ]}
          onChange={(measure) => onChange({ ...node, measure })}
        />
        {numeric && (
          <>
            <SelectField
              label={t('builder.comparison', 'Comparison')}
              width="150px"
              value={node.amount.op}
              options={[
                { value: 'gte', label: t('builder.cmp.gte', 'at least') },
                { value: 'gt', label: t('builder.cmp.gt', 'more than') },
                { value: 'lte', label: t('builder.cmp.lte', 'at most') },
                { value: 'lt', label: t('builder.cmp.lt', 'fewer than') },
                { value: 'eq', label: t('builder.cmp.eq', 'exactly') },
                { value: 'between', label: t('builder.cmp.between', 'between') },
              ]}
              onChange={(op) => onChange({ ...node, amount: { ...node.amount, op } })}
            />
            <NumberField
              label={t('builder.amount', 'Amount')}
              value={node.amount.value}
              onChange={(value) => onChange({ ...node, amount: { ...node.amount, value } })}
            />
            {node.amount.op === 'between' && (
              <NumberField
                label={t('builder.amountTo', 'and')}
                value={node.amount.value2 ?? node.amount.value}
                onChange={(value2) => onChange({ ...node, amount: { ...node.amount, value2 } })}
              />
            )}
          </>
        )}
        {(node.measure === 'sum' || node.measure === 'avg') && (
          <TextField
            label={t('builder.sumProperty', 'Property (empty = value)')}
            value={node.property}
            suggestions={properties.filter((p) => p.types.includes('number')).map((p) => p.key)}
            onChange={(property) => onChange({ ...node, property })}
          />
        )}
        {(node.measure === 'first' || node.measure === 'last') && (
          <>
            <SelectField
              label={t('builder.when', 'When')}
              width="200px"
              value={node.when.op}
              options={[
                { value: 'within', label: t('builder.when.within', 'within the last') },
                { value: 'before', label: t('builder.when.before', 'before the last') },
              ]}
              onChange={(op) => onChange({ ...node, when: { ...node.when, op } })}
            />
            <NumberField
              label={t('builder.days', 'Days')}
              value={node.when.days}
              onChange={(days) => onChange({ ...node, when: { ...node.when, days } })}
            />
          </>
        )}
      </Flex>
      <Flex gap={2} alignItems="flex-end" wrap="wrap">
        <SelectField
          label={t('builder.window', 'Time window')}
          value={node.window.type}
          options={[
            { value: 'days', label: t('builder.window.days', 'in the last N days') },
            { value: 'hours', label: t('builder.window.hours', 'in the last N hours') },
            { value: 'range', label: t('builder.window.range', 'between dates') },
            { value: 'all', label: t('builder.window.all', 'ever') },
          ]}
          onChange={(type) =>
            onChange({
              ...node,
              window:
                type === 'days'
                  ? { type, days: 30 }
                  : type === 'hours'
                    ? { type, hours: 24 }
                    : type === 'range'
                      ? {
                          type,
                          from: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
                        }
                      : { type },
            })
          }
        />
        {node.window.type === 'days' && (
          <NumberField
            label={t('builder.days', 'Days')}
            value={node.window.days}
            onChange={(days) => onChange({ ...node, window: { type: 'days', days } })}
          />
        )}
        {node.window.type === 'hours' && (
          <NumberField
            label={t('builder.hours', 'Hours')}
            value={node.window.hours}
            onChange={(hours) => onChange({ ...node, window: { type: 'hours', hours } })}
          />
        )}
        {node.window.type === 'range' && (
          <>
            <TextField
              type="date"
              label={t('builder.fromDate', 'From (UTC)')}
              value={(node.window.from ?? '').slice(0, 10)}
              onChange={(from) =>
                onChange({
                  ...node,
                  window: { ...node.window, type: 'range', from: from || undefined },
                })
              }
            />
            <TextField
              type="date"
              label={t('builder.toDate', 'Until (UTC, excluded)')}
              value={(node.window.to ?? '').slice(0, 10)}
              onChange={(to) =>
                onChange({
                  ...node,
                  window: { ...node.window, type: 'range', to: to || undefined },
                })
              }
            />
          </>
        )}
      </Flex>
      <WhereEditor node={node} onChange={onChange} />
    </Flex>
  );
};
