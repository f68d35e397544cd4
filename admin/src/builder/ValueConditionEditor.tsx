import { Box, Checkbox } from '@strapi/design-system';
import type { CatalogKey } from '../api/contracts';
import type { T } from '../utils/useT';
import { NumberField, SelectField, TextField } from './fields';
import { COMPARISON_OPS, type Scalar, type ValueCondition, type ValueOp } from './ruleTree';
import { useEnv } from './env';

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
export const typeOfKey = (info: CatalogKey | undefined): ValueType => {
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

export const parseScalar = (text: string, type: ValueType): Scalar => {
  if (type === 'number') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (type === 'boolean') return text === 'true';
  return text;
};

export const ValueConditionEditor = ({
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
