import {
  Box,
  Button,
  Checkbox,
  Dialog,
  Field,
  Flex,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import { useId, useState, type ReactNode } from 'react';
import { useT } from '../../utils/useT';

/** The composer's small labelled controls: every one has a visible label, a hint and an error. */

export const Text = ({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  required,
  suggestions,
  name,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  type?: 'text' | 'time' | 'datetime-local' | 'email';
  required?: boolean;
  suggestions?: string[];
  name?: string;
}) => {
  const listId = useId();
  return (
    <Field.Root name={name} error={error} hint={hint} required={required}>
      <Field.Label>{label}</Field.Label>
      <TextInput
        type={type}
        value={value}
        autoComplete="off"
        list={suggestions?.length ? listId : undefined}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
      {suggestions?.length ? (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

export const Num = ({
  label,
  value,
  onChange,
  error,
  hint,
  step,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  error?: string;
  hint?: string;
  step?: number;
}) => (
  <Field.Root error={error} hint={hint}>
    <Field.Label>{label}</Field.Label>
    <NumberInput
      step={step}
      value={Number.isFinite(value) ? value : undefined}
      onValueChange={(v: number | undefined) => onChange(v ?? 0)}
    />
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

export const Select = <V extends string>({
  label,
  value,
  options,
  onChange,
  error,
  hint,
  placeholder,
}: {
  label: string;
  value: V | '';
  options: Array<{ value: V; label: string }>;
  onChange: (v: V) => void;
  error?: string;
  hint?: string;
  placeholder?: string;
}) => (
  <Field.Root error={error} hint={hint}>
    <Field.Label>{label}</Field.Label>
    <SingleSelect
      value={value}
      placeholder={placeholder}
      onChange={(v: string | number) => onChange(String(v) as V)}
    >
      {options.map((o) => (
        <SingleSelectOption key={o.value} value={o.value}>
          {o.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

export const Toggle = ({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) => (
  <Checkbox
    checked={checked}
    onCheckedChange={(c: boolean | 'indeterminate') => onChange(c === true)}
  >
    {label}
  </Checkbox>
);

export const Section = ({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) => (
  <Box background="neutral0" padding={6} hasRadius shadow="tableShadow" data-testid={testId}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography variant="delta" tag="h2">
        {title}
      </Typography>
      {children}
    </Flex>
  </Box>
);

/** A button that asks first (design-system Dialog); the action runs on "confirm". */
export const ConfirmButton = ({
  label,
  title,
  body,
  confirmLabel,
  onConfirm,
  icon,
  variant = 'secondary',
  danger,
  loading,
}: {
  label: string;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  icon: ReactNode;
  variant?: 'default' | 'secondary' | 'danger-light';
  danger?: boolean;
  loading?: boolean;
}) => {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger>
        <Button variant={variant} startIcon={icon} loading={loading}>
          {label}
        </Button>
      </Dialog.Trigger>
      <Dialog.Content>
        <Dialog.Header>{title}</Dialog.Header>
        <Dialog.Body icon={<WarningCircle fill={danger ? 'danger600' : 'warning600'} />}>
          <Dialog.Description>{body}</Dialog.Description>
        </Dialog.Body>
        <Dialog.Footer>
          <Dialog.Cancel>
            <Button fullWidth variant="tertiary">
              {t('campaigns.confirm.back', 'Go back')}
            </Button>
          </Dialog.Cancel>
          <Dialog.Action>
            <Button
              fullWidth
              variant={danger ? 'danger' : 'default'}
              onClick={async () => {
                setOpen(false);
                await onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </Dialog.Action>
        </Dialog.Footer>
      </Dialog.Content>
    </Dialog.Root>
  );
};
