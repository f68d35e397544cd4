import { Field, Textarea } from '@strapi/design-system';
import { useState } from 'react';
import type { CatalogKey } from '../api/contracts';
import { NumberField, SelectField, TextField } from './fields';
import { type ConditionNode, type JsonObject, type RuleNode } from './ruleTree';
import { useEnv } from './env';
import { ValueConditionEditor } from './ValueConditionEditor';
import { EventEditor } from './EventEditor';

/** One editor per row kind. */
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

export const ConditionEditor = ({
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
