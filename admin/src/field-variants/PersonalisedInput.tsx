import {
  Box,
  Button,
  Checkbox,
  Field,
  Flex,
  IconButton,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { ArrowDown, ArrowUp, Plus, Trash } from '@strapi/icons';
import { forwardRef, useMemo } from 'react';
import { ValueEditor } from './ValueEditor';
import { useSegments } from './useSegments';
import { useT } from '../utils/useT';
import {
  fieldOptions,
  valueProblems,
  type FieldOptions,
  type SplitArm,
  type Variant,
} from '../../../server/src/field-variants/value';

interface Stored {
  default: unknown;
  variants: Variant[];
}

interface Props {
  name: string;
  label?: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
  error?: string;
  value?: unknown;
  attribute: { options?: unknown };
  onChange(name: string, value: unknown): void;
}

const asStored = (value: unknown): Stored => {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      v = null;
    }
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Partial<Stored>;
    return { default: o.default ?? null, variants: Array.isArray(o.variants) ? o.variants : [] };
  }
  return { default: null, variants: [] };
};

const isSplit = (v: Variant): v is Extract<Variant, { split: SplitArm[] }> =>
  Array.isArray((v as { split?: unknown }).split);

/** The Content Manager input of a "Personalised value" field. */
const PersonalisedInput = forwardRef<HTMLDivElement, Props>(function PersonalisedInput(props, ref) {
  const { name, label, hint, disabled, error, attribute, onChange } = props;
  const t = useT();
  const options: FieldOptions = fieldOptions(attribute);
  const stored = asStored(props.value);
  const { segments, failed } = useSegments();
  const set = (next: Stored) => onChange(name, next);

  // Checks in the browser, mapped to rows; the server repeats them (and is the authority).
  const { kind, experiments } = options;
  const problems = useMemo(() => {
    const out = new Map<string, string>();
    if (props.value === null || props.value === undefined) return out;
    const stored = asStored(props.value);
    for (const p of valueProblems(stored, { kind, experiments })) out.set(p.path, p.message);
    if (segments) {
      const known = new Set(segments.map((s) => s.key));
      stored.variants.forEach((v, i) => {
        if (v.segment && !known.has(v.segment))
          out.set(`variants.${i}.segment`, `no segment with key "${v.segment}"`);
      });
    }
    return out;
  }, [props.value, segments, kind, experiments]);
  const rowProblem = (i: number) =>
    [...problems.entries()]
      .filter(([path]) => path === `variants.${i}` || path.startsWith(`variants.${i}.`))
      .map(
        ([path, message]) =>
          `${path.split('.').slice(2).join('.') || t('fieldVariants.row', 'row')}: ${message}`
      )
      .join('; ') || undefined;

  const updateVariant = (i: number, variant: Variant) =>
    set({ ...stored, variants: stored.variants.map((v, j) => (j === i ? variant : v)) });
  const move = (i: number, by: number) => {
    const variants = [...stored.variants];
    const [row] = variants.splice(i, 1);
    variants.splice(i + by, 0, row);
    set({ ...stored, variants });
  };
  const sizeOf = (key: string) => segments?.find((s) => s.key === key)?.size;

  return (
    <Box ref={ref} data-personalised-field={name}>
      <Field.Root error={error} hint={hint}>
        <Field.Label>{label ?? name}</Field.Label>
        <Box padding={3} hasRadius borderColor="neutral200" background="neutral0">
          <ValueEditor
            kind={options.kind}
            label={t('fieldVariants.default', 'Default (everyone else)')}
            value={stored.default}
            disabled={disabled}
            error={problems.get('default')}
            onChange={(value) => set({ ...stored, default: value })}
          />
          {stored.variants.map((variant, i) => {
            const size = sizeOf(variant.segment);
            const split = isSplit(variant);
            const problem = rowProblem(i);
            return (
              <Box
                key={i}
                marginTop={3}
                padding={3}
                hasRadius
                background="neutral100"
                data-variant-row={i}
              >
                <Flex gap={2} alignItems="flex-end" wrap="wrap">
                  <Field.Root width="240px">
                    <Field.Label>{t('fieldVariants.segment', 'Segment')}</Field.Label>
                    <SingleSelect
                      value={variant.segment ?? ''}
                      disabled={disabled}
                      placeholder={t('fieldVariants.pickSegment', 'Pick a segment')}
                      onChange={(key: string | number) =>
                        updateVariant(i, { ...variant, segment: String(key) })
                      }
                    >
                      {(segments ?? []).map((s) => (
                        <SingleSelectOption key={s.key} value={s.key}>
                          {s.name} ({s.key})
                        </SingleSelectOption>
                      ))}
                      {variant.segment && !segments?.some((s) => s.key === variant.segment) ? (
                        <SingleSelectOption value={variant.segment}>
                          {variant.segment}
                        </SingleSelectOption>
                      ) : null}
                    </SingleSelect>
                  </Field.Root>
                  <Typography variant="pi" textColor="neutral600" data-segment-size>
                    {size === undefined || size === null
                      ? t('fieldVariants.sizeUnknown', 'size not computed yet')
                      : t('fieldVariants.size', '{count} members', { count: size })}
                  </Typography>
                  <Flex gap={1} marginLeft="auto">
                    <IconButton
                      label={t('fieldVariants.up', 'Move up')}
                      disabled={disabled || i === 0}
                      onClick={() => move(i, -1)}
                    >
                      <ArrowUp />
                    </IconButton>
                    <IconButton
                      label={t('fieldVariants.down', 'Move down')}
                      disabled={disabled || i === stored.variants.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      <ArrowDown />
                    </IconButton>
                    <IconButton
                      label={t('fieldVariants.remove', 'Remove variant')}
                      disabled={disabled}
                      onClick={() =>
                        set({ ...stored, variants: stored.variants.filter((_, j) => j !== i) })
                      }
                    >
                      <Trash />
                    </IconButton>
                  </Flex>
                </Flex>
                {options.experiments ? (
                  <Box paddingTop={2}>
                    <Checkbox
                      checked={split}
                      disabled={disabled}
                      onCheckedChange={(checked: boolean | 'indeterminate') =>
                        updateVariant(
                          i,
                          checked === true
                            ? {
                                segment: variant.segment,
                                experiment: `${variant.segment || 'field'}-test`,
                                split: [
                                  {
                                    value: split
                                      ? null
                                      : ((variant as { value?: unknown }).value ?? null),
                                    weight: 0.5,
                                  },
                                  { value: null, weight: 0.5 },
                                ],
                              }
                            : {
                                segment: variant.segment,
                                value: split ? (variant.split[0]?.value ?? null) : null,
                              }
                        )
                      }
                    >
                      {t('fieldVariants.split', 'Split by weight (experiment)')}
                    </Checkbox>
                  </Box>
                ) : null}
                {split ? (
                  <Box paddingTop={2}>
                    <Field.Root width="240px">
                      <Field.Label>
                        {t('fieldVariants.experimentKey', 'Experiment key')}
                      </Field.Label>
                      <TextInput
                        value={variant.experiment}
                        disabled={disabled}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                          updateVariant(i, { ...variant, experiment: e.target.value })
                        }
                      />
                    </Field.Root>
                    {variant.split.map((arm, j) => (
                      <Flex key={j} gap={2} alignItems="flex-end" paddingTop={2}>
                        <ValueEditor
                          kind={options.kind}
                          label={t('fieldVariants.arm', 'Variation {index}', { index: j })}
                          value={arm.value}
                          disabled={disabled}
                          onChange={(value) =>
                            updateVariant(i, {
                              ...variant,
                              split: variant.split.map((a, k) => (k === j ? { ...a, value } : a)),
                            })
                          }
                        />
                        <Field.Root width="120px">
                          <Field.Label>{t('fieldVariants.weight', 'Weight')}</Field.Label>
                          <NumberInput
                            value={arm.weight}
                            step={0.05}
                            disabled={disabled}
                            onValueChange={(w: number | undefined) =>
                              updateVariant(i, {
                                ...variant,
                                split: variant.split.map((a, k) =>
                                  k === j ? { ...a, weight: w ?? 0 } : a
                                ),
                              })
                            }
                          />
                        </Field.Root>
                        <IconButton
                          label={t('fieldVariants.removeArm', 'Remove variation')}
                          disabled={disabled || variant.split.length <= 2}
                          onClick={() =>
                            updateVariant(i, {
                              ...variant,
                              split: variant.split.filter((_, k) => k !== j),
                            })
                          }
                        >
                          <Trash />
                        </IconButton>
                      </Flex>
                    ))}
                    <Box paddingTop={2}>
                      <Button
                        variant="tertiary"
                        size="S"
                        startIcon={<Plus />}
                        disabled={disabled}
                        onClick={() =>
                          updateVariant(i, {
                            ...variant,
                            split: [...variant.split, { value: null, weight: 0 }],
                          })
                        }
                      >
                        {t('fieldVariants.addArm', 'Add a variation')}
                      </Button>
                    </Box>
                  </Box>
                ) : (
                  <Box paddingTop={2}>
                    <ValueEditor
                      kind={options.kind}
                      label={t('fieldVariants.value', 'Value for this segment')}
                      value={(variant as { value?: unknown }).value}
                      disabled={disabled}
                      onChange={(value) => updateVariant(i, { segment: variant.segment, value })}
                    />
                  </Box>
                )}
                {problem ? (
                  <Typography variant="pi" textColor="danger600" data-variant-error>
                    {problem}
                  </Typography>
                ) : null}
              </Box>
            );
          })}
          <Flex gap={2} paddingTop={3} alignItems="center">
            <Button
              variant="secondary"
              startIcon={<Plus />}
              disabled={disabled}
              onClick={() =>
                set({ ...stored, variants: [...stored.variants, { segment: '', value: null }] })
              }
            >
              {t('fieldVariants.add', 'Add a variant')}
            </Button>
            {failed ? (
              <Typography variant="pi" textColor="neutral600">
                {t(
                  'fieldVariants.noSegments',
                  'Segments could not be loaded (the Segments read permission is needed)'
                )}
              </Typography>
            ) : null}
          </Flex>
        </Box>
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    </Box>
  );
});

export default PersonalisedInput;
