import {
  Field,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
} from '@strapi/design-system';
import { useId } from 'react';

/** Small labelled inputs for the builder's rows (every input has a visible label). */

export const TextField = ({
  label,
  value,
  onChange,
  suggestions,
  type = 'text',
  width = '180px',
  placeholder,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  suggestions?: Array<string | number | boolean>;
  type?: 'text' | 'date';
  width?: string;
  placeholder?: string;
  hint?: string;
}) => {
  const listId = useId();
  return (
    <Field.Root width={width} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <TextInput
        type={type}
        size="S"
        value={value}
        placeholder={placeholder}
        list={suggestions?.length ? listId : undefined}
        autoComplete="off"
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
      {suggestions?.length ? (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={String(s)} value={String(s)} />
          ))}
        </datalist>
      ) : null}
      {hint ? <Field.Hint /> : null}
    </Field.Root>
  );
};

export const NumberField = ({
  label,
  value,
  onChange,
  width = '120px',
  step,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  width?: string;
  step?: number;
}) => (
  <Field.Root width={width}>
    <Field.Label>{label}</Field.Label>
    <NumberInput
      size="S"
      step={step}
      value={Number.isFinite(value) ? value : undefined}
      onValueChange={(v: number | undefined) => onChange(v ?? 0)}
    />
  </Field.Root>
);

export const SelectField = <V extends string>({
  label,
  value,
  options,
  onChange,
  width = '180px',
}: {
  label: string;
  value: V;
  options: Array<{ value: V; label: string }>;
  onChange: (value: V) => void;
  width?: string;
}) => (
  <Field.Root width={width}>
    <Field.Label>{label}</Field.Label>
    <SingleSelect
      size="S"
      value={value}
      onChange={(v: string | number) => onChange(String(v) as V)}
    >
      {options.map((o) => (
        <SingleSelectOption key={o.value} value={o.value}>
          {o.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  </Field.Root>
);
