import {
  Box,
  Button,
  Checkbox,
  Flex,
  IconButton,
  MenuItem,
  SimpleMenu,
  Textarea,
  Field,
  Typography,
} from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { createContext, useContext, useState } from 'react';
import type { CatalogKey, SegmentCatalog } from '../api/contracts';
import type { T } from '../utils/useT';
import { NumberField, SelectField, TextField } from './fields';
import {
  COMPARISON_OPS,
  emptyGroup,
  newCondition,
  newWhereRow,
  type ConditionKind,
  type ConditionNode,
  type EventNode,
  type GroupNode,
  type JsonObject,
  type RuleNode,
  type Scalar,
  type ValueCondition,
  type ValueOp,
  type WhereRow,
} from './ruleTree';

export interface BuilderEnv {
  t: T;
  catalog: SegmentCatalog | null;
  /** Other segments, for "member of segment" rows. */
  segmentKeys: Array<{ key: string; name: string }>;
  /** Validation messages by row id. */
  errors: Map<string, string[]>;
}
export const BuilderContext = createContext<BuilderEnv | null>(null);
const useEnv = (): BuilderEnv => {
  const env = useContext(BuilderContext);
  if (!env) throw new Error('BuilderContext missing');
  return env;
};

const KINDS: ConditionKind[] = [
  'trait',
  'event',
  'geo',
  'context',
  'date',
  'segment',
  'sample',
  'raw',
];
export const kindLabel = (t: T, kind: ConditionKind): string =>
  ({
    trait: t('builder.kind.trait', 'Trait'),
    event: t('builder.kind.event', 'Behaviour (event)'),
    geo: t('builder.kind.geo', 'Near a place'),
    context: t('builder.kind.context', 'Device / context'),
    date: t('builder.kind.date', 'Relative date'),
    segment: t('builder.kind.segment', 'Member of segment'),
    sample: t('builder.kind.sample', 'Random sample'),
    raw: t('builder.kind.raw', 'JSON condition'),
  })[kind];

// ---------------------------------------------------------------------------------------------
// Value conditions: operator + an editor that fits the attribute's type.

const opLabel = (t: T, op: ValueOp): string =>
  ({
    is: t('builder.op.is', 'is'),
    isNot: t('builder.op.isNot', 'is not'),
    in: t('builder.op.in', 'is one of'),
    nin: t('builder.op.nin', 'is none of'),
    gt: t('builder.op.gt', 'is greater than'),
    gte: t('builder.op.gte', 'is at least'),
    lt: t('builder.op.lt', 'is less than'),
    lte: t('builder.op.lte', 'is at most'),
    between: t('builder.op.between', 'is between'),
    exists: t('builder.op.exists', 'is set'),
    notExists: t('builder.op.notExists', 'is not set'),
    regex: t('builder.op.regex', 'matches pattern'),
    regexi: t('builder.op.regexi', 'matches pattern (any case)'),
  })[op];

type ValueType = 'string' | 'number' | 'boolean';
const typeOfKey = (info: CatalogKey | undefined): ValueType => {
  if (!info) return 'string';
  if (info.types.includes('number') && !info.types.includes('string')) return 'number';
  if (info.types.length === 1 && info.types[0] === 'boolean') return 'boolean';
  return 'string';
};
const opsFor = (type: ValueType): ValueOp[] =>
  type === 'boolean'
    ? ['is', 'isNot', 'exists', 'notExists']
    : type === 'number'
      ? ['is', 'isNot', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'nin', 'exists', 'notExists']
      : [
          'is',
          'isNot',
          'in',
          'nin',
          'regex',
          'regexi',
          'gt',
          'gte',
          'lt',
          'lte',
          'exists',
          'notExists',
        ];

const parseScalar = (text: string, type: ValueType): Scalar => {
  if (type === 'number') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (type === 'boolean') return text === 'true';
  return text;
};

const ValueConditionEditor = ({
  cond,
  info,
  onChange,
  subject,
}: {
  cond: ValueCondition;
  info: CatalogKey | undefined;
  onChange: (c: ValueCondition) => void;
  subject: string;
}) => {
  const { t } = useEnv();
  const type: ValueType =
    typeOfKey(info) === 'string' && typeof cond.value === 'number' ? 'number' : typeOfKey(info);
  const ops = opsFor(type).includes(cond.op) ? opsFor(type) : [...opsFor(type), cond.op];
  const setOp = (op: ValueOp) => {
    let value: ValueCondition['value'] = cond.value;
    if (op === 'in' || op === 'nin')
      value = Array.isArray(value) ? value : value === '' || value === null ? [] : [value];
    else if (op === 'between')
      value = Array.isArray(value) && value.length === 2 ? value : [0, 100];
    else if (Array.isArray(value)) value = value[0] ?? '';
    if (type === 'boolean' && op === 'is' && typeof value !== 'boolean') value = true;
    // New comparisons get the $exists guard: "age < 25" should not match profiles with no age.
    onChange({ op, value, guarded: COMPARISON_OPS.includes(op) ? true : cond.guarded });
  };
  const label = (suffix: string) => `${subject} ${suffix}`.trim();
  return (
    <>
      <SelectField
        label={t('builder.operator', 'Operator')}
        value={cond.op}
        options={ops.map((op) => ({ value: op, label: opLabel(t, op) }))}
        onChange={setOp}
      />
      {cond.op === 'exists' || cond.op === 'notExists' ? null : cond.op === 'in' ||
        cond.op === 'nin' ? (
        <TextField
          label={t('builder.values', 'Values (comma-separated)')}
          width="240px"
          value={(Array.isArray(cond.value) ? cond.value : []).join(', ')}
          suggestions={info?.values}
          onChange={(text) =>
            onChange({
              ...cond,
              value: text
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
                .map((s) => parseScalar(s, type)),
            })
          }
        />
      ) : cond.op === 'between' ? (
        <>
          <NumberField
            label={t('builder.from', 'From')}
            value={Number((cond.value as Scalar[])[0])}
            onChange={(n) => onChange({ ...cond, value: [n, (cond.value as Scalar[])[1] ?? n] })}
          />
          <NumberField
            label={t('builder.to', 'To')}
            value={Number((cond.value as Scalar[])[1])}
            onChange={(n) => onChange({ ...cond, value: [(cond.value as Scalar[])[0] ?? n, n] })}
          />
        </>
      ) : type === 'boolean' ? (
        <SelectField
          label={t('builder.value', 'Value')}
          value={String(cond.value === true)}
          options={[
            { value: 'true', label: t('builder.true', 'true') },
            { value: 'false', label: t('builder.false', 'false') },
          ]}
          onChange={(v) => onChange({ ...cond, value: v === 'true' })}
        />
      ) : type === 'number' ? (
        <NumberField
          label={t('builder.value', 'Value')}
          value={Number(cond.value)}
          onChange={(n) => onChange({ ...cond, value: n })}
        />
      ) : (
        <TextField
          label={label(t('builder.value', 'Value'))}
          value={String(cond.value ?? '')}
          suggestions={info?.values}
          onChange={(text) => onChange({ ...cond, value: text })}
        />
      )}
      {COMPARISON_OPS.includes(cond.op) && (
        <Box paddingTop={5}>
          <Checkbox
            checked={cond.guarded}
            onCheckedChange={(checked: boolean | 'indeterminate') =>
              onChange({ ...cond, guarded: checked === true })
            }
          >
            {t('builder.guard', 'only if set')}
          </Checkbox>
        </Box>
      )}
    </>
  );
};

// ---------------------------------------------------------------------------------------------
// One editor per row kind.

const TraitEditor = ({
  node,
  onChange,
}: {
  node: Extract<ConditionNode, { kind: 'trait' }>;
  onChange: (n: RuleNode) => void;
}) => {
  const { t, catalog } = useEnv();
  const info = catalog?.traits.find((k) => k.key === node.key);
  return (
    <>
      <TextField
        label={t('builder.trait', 'Trait')}
        value={node.key}
        suggestions={catalog?.traits.filter((k) => !k.types.includes('date')).map((k) => k.key)}
        onChange={(key) => onChange({ ...node, key })}
      />
      <ValueConditionEditor
        cond={node}
        info={info}
        subject={node.key}
        onChange={(c) => onChange({ ...node, ...c })}
      />
    </>
  );
};

const ContextEditor = ({
  node,
  onChange,
}: {
  node: Extract<ConditionNode, { kind: 'context' }>;
  onChange: (n: RuleNode) => void;
}) => {
  const { t, catalog } = useEnv();
  const fields = catalog?.contextFields ?? [
    'device',
    'os',
    'browser',
    'referrer',
    'timezone',
    'localHour',
    'weekday',
  ];
  const info: CatalogKey =
    node.field === 'localHour' || node.field === 'weekday'
      ? { key: node.field, types: ['number'], values: [] }
      : node.field === 'device'
        ? { key: 'device', types: ['string'], values: ['mobile', 'tablet', 'desktop', 'bot'] }
        : { key: node.field, types: ['string'], values: [] };
  return (
    <>
      <SelectField
        label={t('builder.contextField', 'Field')}
        value={node.field}
        options={(fields.includes(node.field) ? fields : [...fields, node.field]).map((f) => ({
          value: f,
          label: f,
        }))}
        onChange={(field) => onChange({ ...node, field })}
      />
      <ValueConditionEditor
        cond={node}
        info={info}
        subject={node.field}
        onChange={(c) => onChange({ ...node, ...c })}
      />
    </>
  );
};

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

const EventEditor = ({ node, onChange }: { node: EventNode; onChange: (n: RuleNode) => void }) => {
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

const RawEditor = ({
  node,
  onChange,
}: {
  node: Extract<ConditionNode, { kind: 'raw' }>;
  onChange: (n: RuleNode) => void;
}) => {
  const { t } = useEnv();
  const [text, setText] = useState(() => JSON.stringify(node.json, null, 2));
  const [error, setError] = useState<string | undefined>();
  return (
    <Field.Root width="100%" error={error}>
      <Field.Label>{t('builder.rawJson', 'Condition (JSON)')}</Field.Label>
      <Textarea
        value={text}
        onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setText(e.target.value)}
        onBlur={() => {
          try {
            const parsed: unknown = JSON.parse(text);
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
              throw new Error('not an object');
            setError(undefined);
            onChange({ ...node, json: parsed as JsonObject });
          } catch {
            setError(t('builder.rawInvalid', 'Not a JSON object'));
          }
        }}
      />
      <Field.Error />
    </Field.Root>
  );
};

const ConditionEditor = ({
  node,
  onChange,
}: {
  node: ConditionNode;
  onChange: (n: RuleNode) => void;
}) => {
  const { t, segmentKeys } = useEnv();
  switch (node.kind) {
    case 'trait':
      return <TraitEditor node={node} onChange={onChange} />;
    case 'context':
      return <ContextEditor node={node} onChange={onChange} />;
    case 'event':
      return <EventEditor node={node} onChange={onChange} />;
    case 'geo':
      return (
        <>
          <NumberField
            label={t('builder.lat', 'Latitude')}
            step={0.01}
            value={node.lat}
            onChange={(lat) => onChange({ ...node, lat })}
          />
          <NumberField
            label={t('builder.lng', 'Longitude')}
            step={0.01}
            value={node.lng}
            onChange={(lng) => onChange({ ...node, lng })}
          />
          <NumberField
            label={t('builder.radius', 'Radius (km)')}
            value={node.radiusKm}
            onChange={(radiusKm) => onChange({ ...node, radiusKm })}
          />
        </>
      );
    case 'date':
      return (
        <>
          <TextField
            label={t('builder.dateAttribute', 'Date attribute')}
            value={node.attribute}
            suggestions={['firstSeenAt', 'lastSeenAt', 'birthday']}
            onChange={(attribute) => onChange({ ...node, attribute })}
          />
          <SelectField
            label={t('builder.dateMode', 'Condition')}
            value={node.mode}
            options={[
              { value: 'olderThan', label: t('builder.date.olderThan', 'more than … ago') },
              { value: 'newerThan', label: t('builder.date.newerThan', 'at most … ago') },
              {
                value: 'anniversaryWithin',
                label: t('builder.date.anniversary', 'anniversary within … days'),
              },
            ]}
            onChange={(mode) =>
              onChange({ ...node, mode, unit: mode === 'anniversaryWithin' ? 'days' : node.unit })
            }
          />
          <NumberField
            label={t('builder.amount', 'Amount')}
            value={node.amount}
            onChange={(amount) => onChange({ ...node, amount })}
          />
          {node.mode !== 'anniversaryWithin' && (
            <SelectField
              label={t('builder.unit', 'Unit')}
              width="120px"
              value={node.unit}
              options={[
                { value: 'days', label: t('builder.unit.days', 'days') },
                { value: 'hours', label: t('builder.unit.hours', 'hours') },
              ]}
              onChange={(unit) => onChange({ ...node, unit })}
            />
          )}
        </>
      );
    case 'segment':
      return (
        <SelectField
          label={t('builder.segment', 'Segment')}
          width="260px"
          value={node.key}
          options={[
            ...(node.key && !segmentKeys.some((s) => s.key === node.key)
              ? [{ value: node.key, label: node.key }]
              : []),
            ...segmentKeys.map((s) => ({ value: s.key, label: `${s.name} (${s.key})` })),
          ]}
          onChange={(key) => onChange({ ...node, key })}
        />
      );
    case 'sample':
      return (
        <>
          <TextField
            label={t('builder.seed', 'Seed')}
            value={node.seed}
            onChange={(seed) => onChange({ ...node, seed })}
          />
          <NumberField
            label={t('builder.percent', 'Percent')}
            value={node.percent}
            onChange={(percent) => onChange({ ...node, percent })}
          />
        </>
      );
    case 'raw':
      return <RawEditor node={node} onChange={onChange} />;
  }
};

const Errors = ({ id }: { id: string }) => {
  const { errors } = useEnv();
  const messages = errors.get(id);
  if (!messages?.length) return null;
  return (
    <Box role="alert" data-testid="row-errors">
      {messages.map((m) => (
        <Typography key={m} variant="pi" textColor="danger600" tag="p">
          {m}
        </Typography>
      ))}
    </Box>
  );
};

const ConditionRow = ({
  node,
  onChange,
  onRemove,
}: {
  node: ConditionNode;
  onChange: (n: RuleNode) => void;
  onRemove: () => void;
}) => {
  const { t, errors } = useEnv();
  const wide = node.kind === 'event' || node.kind === 'raw';
  return (
    <Box
      padding={3}
      hasRadius
      background="neutral0"
      borderColor={errors.has(node.id) ? 'danger600' : 'neutral200'}
      data-testid={`condition-${node.kind}`}
      role="group"
      aria-label={kindLabel(t, node.kind)}
    >
      <Flex justifyContent="space-between" alignItems="flex-start" gap={2}>
        <Flex direction="column" alignItems="stretch" gap={2} style={{ flex: 1 }}>
          <Typography variant="sigma" textColor="neutral600">
            {kindLabel(t, node.kind)}
          </Typography>
          {wide ? (
            <ConditionEditor node={node} onChange={onChange} />
          ) : (
            <Flex gap={2} alignItems="flex-end" wrap="wrap">
              <ConditionEditor node={node} onChange={onChange} />
            </Flex>
          )}
          <Errors id={node.id} />
        </Flex>
        <IconButton
          label={t('builder.remove', 'Remove condition')}
          variant="ghost"
          onClick={onRemove}
        >
          <Trash />
        </IconButton>
      </Flex>
    </Box>
  );
};

export const GroupEditor = ({
  group,
  onChange,
  onRemove,
  depth = 0,
}: {
  group: GroupNode;
  onChange: (g: RuleNode) => void;
  onRemove?: () => void;
  depth?: number;
}) => {
  const { t, errors } = useEnv();
  const setChild = (child: RuleNode) =>
    onChange({ ...group, children: group.children.map((c) => (c.id === child.id ? child : c)) });
  const removeChild = (id: string) =>
    onChange({ ...group, children: group.children.filter((c) => c.id !== id) });
  const opName = group.op === 'and' ? t('builder.all', 'ALL') : t('builder.any', 'ANY');
  return (
    <Box
      padding={4}
      hasRadius
      background={depth % 2 === 0 ? 'neutral100' : 'neutral150'}
      borderColor={errors.has(group.id) ? 'danger600' : 'neutral200'}
      data-testid={depth === 0 ? 'group-root' : 'group'}
      role="group"
      aria-label={t('builder.groupLabel', 'Group: {match} of these conditions', { match: opName })}
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex gap={3} alignItems="flex-end" wrap="wrap" justifyContent="space-between">
          <Flex gap={3} alignItems="flex-end" wrap="wrap">
            <SelectField
              label={t('builder.match', 'Match')}
              width="220px"
              value={group.op}
              options={[
                { value: 'and', label: t('builder.and', 'ALL of (AND)') },
                { value: 'or', label: t('builder.or', 'ANY of (OR)') },
              ]}
              onChange={(op) => onChange({ ...group, op })}
            />
            <Box paddingBottom={2}>
              <Checkbox
                checked={group.negate}
                onCheckedChange={(checked: boolean | 'indeterminate') =>
                  onChange({ ...group, negate: checked === true })
                }
              >
                {t('builder.not', 'NOT (none of this group)')}
              </Checkbox>
            </Box>
          </Flex>
          {onRemove && (
            <IconButton
              label={t('builder.removeGroup', 'Remove group')}
              variant="ghost"
              onClick={onRemove}
            >
              <Trash />
            </IconButton>
          )}
        </Flex>
        {group.children.length === 0 && (
          <Typography variant="omega" textColor="neutral600">
            {depth === 0
              ? t('builder.emptyRoot', 'No conditions: everybody matches.')
              : t('builder.emptyGroup', 'Empty group.')}
          </Typography>
        )}
        {group.children.map((child) =>
          child.kind === 'group' ? (
            <GroupEditor
              key={child.id}
              group={child}
              depth={depth + 1}
              onChange={setChild}
              onRemove={() => removeChild(child.id)}
            />
          ) : (
            <ConditionRow
              key={child.id}
              node={child}
              onChange={setChild}
              onRemove={() => removeChild(child.id)}
            />
          )
        )}
        <Errors id={group.id} />
        <Flex gap={2}>
          <SimpleMenu
            label={t('builder.addCondition', 'Add condition')}
            variant="secondary"
            size="S"
          >
            {KINDS.map((kind) => (
              <MenuItem
                key={kind}
                onSelect={() =>
                  onChange({ ...group, children: [...group.children, newCondition(kind)] })
                }
              >
                {kindLabel(t, kind)}
              </MenuItem>
            ))}
          </SimpleMenu>
          <Button
            variant="tertiary"
            size="S"
            startIcon={<Plus />}
            onClick={() =>
              onChange({
                ...group,
                children: [...group.children, emptyGroup(group.op === 'and' ? 'or' : 'and')],
              })
            }
          >
            {t('builder.addGroup', 'Add group')}
          </Button>
        </Flex>
      </Flex>
    </Box>
  );
};
