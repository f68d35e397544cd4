import {
  Button,
  Checkbox,
  Field,
  Flex,
  NumberInput,
  TextInput,
  Textarea,
  Typography,
} from '@strapi/design-system';
import { useFetchClient, useStrapiApp } from '@strapi/strapi/admin';
import { useEffect, useState, type ComponentType } from 'react';
import { useT } from '../utils/useT';
import { type Kind } from '../../../server/src/field-variants/value';

interface Asset {
  id: number;
  name?: string;
  url?: string;
  mime?: string;
}

/** One editor per kind; `onChange(undefined)` means "no value". */
export const ValueEditor = ({
  kind,
  label,
  value,
  onChange,
  disabled,
  error,
}: {
  kind: Kind;
  label: string;
  value: unknown;
  onChange(value: unknown): void;
  disabled?: boolean;
  error?: string;
}) => {
  const t = useT();
  const components = useStrapiApp('PersonalisedInput', (app) => app.components) as Record<
    string,
    ComponentType<{
      allowedTypes?: string[];
      onClose(): void;
      onSelectAssets(assets: Asset[]): void;
    }>
  >;
  const [picking, setPicking] = useState(false);
  const [asset, setAsset] = useState<Asset | null>(null);
  const [jsonText, setJsonText] = useState(() =>
    value === null || value === undefined ? '' : JSON.stringify(value, null, 2)
  );
  const [jsonError, setJsonError] = useState<string | null>(null);
  const { get } = useFetchClient();

  useEffect(() => {
    if (kind !== 'media' || typeof value !== 'number' || asset?.id === value) return;
    get<Asset>(`/upload/files/${value}`)
      .then((res) => setAsset(res.data))
      .catch(() => setAsset({ id: value }));
  }, [kind, value, asset?.id, get]);

  let input: React.ReactNode;
  switch (kind) {
    case 'string':
      input = (
        <TextInput
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        />
      );
      break;
    case 'text':
    case 'richtext':
      input = (
        <Textarea
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)}
        />
      );
      break;
    case 'number':
      input = (
        <NumberInput
          value={typeof value === 'number' ? value : undefined}
          disabled={disabled}
          onValueChange={(n: number | undefined) => onChange(n ?? null)}
        />
      );
      break;
    case 'boolean':
      input = (
        <Checkbox
          checked={value === true}
          disabled={disabled}
          onCheckedChange={(checked: boolean | 'indeterminate') => onChange(checked === true)}
        >
          {t('fieldVariants.true', 'true')}
        </Checkbox>
      );
      break;
    case 'media': {
      const Dialog = components['media-library'];
      input = (
        <Flex gap={2} alignItems="center">
          {asset?.url && asset.mime?.startsWith('image/') ? (
            <img src={asset.url} alt={asset.name ?? ''} style={{ maxHeight: 48, maxWidth: 96 }} />
          ) : null}
          <Typography variant="pi">
            {typeof value === 'number'
              ? (asset?.name ?? `#${value}`)
              : t('fieldVariants.noMedia', 'No file')}
          </Typography>
          <Button
            variant="secondary"
            size="S"
            disabled={disabled || !Dialog}
            onClick={() => setPicking(true)}
          >
            {t('fieldVariants.pickMedia', 'Choose a file')}
          </Button>
          {typeof value === 'number' ? (
            <Button variant="tertiary" size="S" disabled={disabled} onClick={() => onChange(null)}>
              {t('fieldVariants.clearMedia', 'Clear')}
            </Button>
          ) : null}
          {picking && Dialog ? (
            <Dialog
              onClose={() => setPicking(false)}
              onSelectAssets={(assets) => {
                setPicking(false);
                const first = assets[0];
                if (first) {
                  setAsset(first);
                  onChange(Number(first.id));
                }
              }}
            />
          ) : null}
        </Flex>
      );
      break;
    }
    case 'json':
      input = (
        <Textarea
          value={jsonText}
          disabled={disabled}
          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => {
            setJsonText(e.target.value);
            if (!e.target.value.trim()) {
              setJsonError(null);
              onChange(null);
              return;
            }
            try {
              onChange(JSON.parse(e.target.value));
              setJsonError(null);
            } catch {
              setJsonError(t('fieldVariants.badJson', 'Not valid JSON'));
            }
          }}
        />
      );
      break;
  }
  return (
    <Field.Root error={jsonError ?? error} style={{ flex: 1 }}>
      <Field.Label>{label}</Field.Label>
      {input}
      <Field.Error />
    </Field.Root>
  );
};
