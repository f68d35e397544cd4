import {
  Alert,
  Box,
  Button,
  Field,
  Flex,
  Grid,
  SingleSelect,
  SingleSelectOption,
  Tabs,
  TextInput,
  Textarea,
} from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Layouts, Page, useNotification, useRBAC, BackButton } from '@strapi/strapi/admin';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { fieldErrors, useSegmentsApi } from '../api/client';
import type { FieldError, SegmentCatalog, SegmentSummary } from '../api/contracts';
import { BuilderContext, GroupEditor, type BuilderEnv } from '../builder/BuilderEditor';
import {
  nodeIdForPath,
  ruleToTree,
  treeToRule,
  type GroupNode,
  type Json,
} from '../builder/ruleTree';
import { LivePanel, type LiveState } from '../builder/LivePanel';
import { PERMISSIONS } from '../permissions';
import { PluginPage } from '../components/PluginPage';
import { useT } from '../utils/useT';

const DEBOUNCE_MS = 600;

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

const SegmentBuilderPage = () => {
  const t = useT();
  const api = useSegmentsApi();
  const navigate = useNavigate();
  const { documentId } = useParams<{ documentId: string }>();
  const { toggleNotification } = useNotification();
  const { allowedActions, isLoading: rbacLoading } = useRBAC(PERMISSIONS.manage);

  const [loaded, setLoaded] = useState(!documentId);
  const [failed, setFailed] = useState(false);
  const [catalog, setCatalog] = useState<SegmentCatalog | null>(null);
  const [others, setOthers] = useState<SegmentSummary[]>([]);
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(Boolean(documentId));
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<'active' | 'archived'>('active');
  const [tree, setTree] = useState<GroupNode>(() => ruleToTree({}));
  const [tab, setTab] = useState('builder');
  const [jsonText, setJsonText] = useState('{}');
  const [jsonError, setJsonError] = useState<string | undefined>();
  const [live, setLive] = useState<LiveState>({ status: 'idle', errors: [] });
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api.getCatalog().then(setCatalog, () => setCatalog(null));
    api.listSegments().then(
      (all) => {
        setOthers(all.filter((s) => s.documentId !== documentId));
        if (documentId) {
          const current = all.find((s) => s.documentId === documentId);
          if (!current) return setFailed(true);
          setName(current.name);
          setKey(current.key);
          setDescription(current.description ?? '');
          setStatus(current.state);
          setTree(ruleToTree(current.rule as Json));
          setLoaded(true);
        }
      },
      () => setFailed(true)
    );
  }, [api, documentId]);

  const rule = useMemo(() => treeToRule(tree), [tree]);

  // Live check: validate (explanation or row errors), then the exact size and sample members.
  const generation = useRef(0);
  useEffect(() => {
    if (!loaded) return;
    const mine = ++generation.current;
    setLive((l) => ({ ...l, status: 'checking' }));
    const timer = setTimeout(async () => {
      try {
        const validation = await api.validateRule(rule);
        if (mine !== generation.current) return;
        setLive((l) => ({ ...l, explanation: validation.explanation, errors: [] }));
        const preview = await api.preview(rule, 10);
        if (mine !== generation.current) return;
        setLive({ status: 'valid', explanation: validation.explanation, preview, errors: [] });
      } catch (error) {
        if (mine !== generation.current) return;
        const errors = fieldErrors(error);
        const invalid = errors.some((e) => e.path.startsWith('rule'));
        setLive({ status: invalid ? 'invalid' : 'failed', errors });
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [api, rule, loaded]);

  const rowErrors = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const e of live.errors) {
      if (!e.path.startsWith('rule')) continue;
      const id = nodeIdForPath(tree, e.path);
      const detail = e.path.replace(/^rule\.?/, '');
      map.set(id, [...(map.get(id) ?? []), detail ? `${e.message} (${detail})` : e.message]);
    }
    return map;
  }, [live.errors, tree]);

  const env: BuilderEnv = useMemo(
    () => ({
      t,
      catalog,
      segmentKeys: others.map((s) => ({ key: s.key, name: s.name })),
      errors: rowErrors,
    }),
    [t, catalog, others, rowErrors]
  );

  const switchTab = (next: string) => {
    if (next === 'json') {
      setJsonText(JSON.stringify(rule, null, 2));
      setJsonError(undefined);
    }
    setTab(next);
  };

  const applyJson = () => {
    try {
      const parsed: unknown = JSON.parse(jsonText);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(t('builder.json.notObject', 'A rule is a JSON object.'));
      }
      setTree(ruleToTree(parsed as Json));
      setJsonError(undefined);
      setTab('builder');
    } catch (error) {
      setJsonError(error instanceof Error ? error.message : String(error));
    }
  };

  const canSave = allowedActions.canManage;
  const save = async () => {
    setSaving(true);
    setSaveErrors([]);
    try {
      const data = { name, key, description, state: status, rule };
      const saved = documentId
        ? await api.updateSegment(documentId, data)
        : await api.createSegment(data);
      toggleNotification({ type: 'success', message: t('builder.saved', 'Segment saved') });
      // From new → the detail page; from :documentId/edit → back to it.
      navigate(documentId ? '..' : `../${saved.documentId}`, { relative: 'path' });
    } catch (error) {
      const errors = fieldErrors(error);
      setSaveErrors(errors);
      if (errors.some((e) => e.path.startsWith('rule')))
        setLive((l) => ({ ...l, status: 'invalid', errors }));
    } finally {
      setSaving(false);
    }
  };
  const fieldError = (field: string) =>
    saveErrors.find((e) => e.path === field || e.path.startsWith(`${field}.`))?.message;

  if (failed) return <Page.Error />;
  if (!loaded || rbacLoading) return <Page.Loading />;
  if (!canSave) return <Page.NoPermissions />;

  const title = documentId
    ? t('builder.editTitle', 'Edit segment')
    : t('builder.newTitle', 'New segment');
  return (
    <PluginPage title={title}>
      <Layouts.Header
        navigationAction={<BackButton disabled={false} fallback="/plugins/segments" />}
        title={name || title}
        subtitle={t(
          'builder.subtitle',
          'Combine traits, behaviour, place and context. The size updates as you edit.'
        )}
        primaryAction={
          <Button startIcon={<Check />} onClick={save} loading={saving} disabled={!name || !key}>
            {t('builder.save', 'Save')}
          </Button>
        }
      />
      <Layouts.Content>
        <Grid.Root gap={4}>
          <Grid.Item col={8} s={12} direction="column" alignItems="stretch">
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Box background="neutral0" padding={4} hasRadius shadow="tableShadow">
                <Grid.Root gap={4}>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="name" required error={fieldError('name')}>
                      <Field.Label>{t('builder.name', 'Name')}</Field.Label>
                      <TextInput
                        value={name}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                          setName(e.target.value);
                          if (!keyTouched) setKey(slug(e.target.value));
                        }}
                      />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <Field.Root
                      name="key"
                      required
                      error={fieldError('key')}
                      hint={t(
                        'builder.keyHint',
                        'Used by the storefront and in rules; lowercase letters, digits, - and _.'
                      )}
                    >
                      <Field.Label>{t('builder.key', 'Key')}</Field.Label>
                      <TextInput
                        value={key}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) => {
                          setKeyTouched(true);
                          setKey(e.target.value);
                        }}
                      />
                      <Field.Hint />
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                  <Grid.Item col={8} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="description">
                      <Field.Label>{t('builder.description', 'Description')}</Field.Label>
                      <TextInput
                        value={description}
                        onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                          setDescription(e.target.value)
                        }
                      />
                    </Field.Root>
                  </Grid.Item>
                  <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="state">
                      <Field.Label>{t('list.status', 'Status')}</Field.Label>
                      <SingleSelect
                        value={status}
                        onChange={(v: string | number) => setStatus(v as 'active' | 'archived')}
                      >
                        <SingleSelectOption value="active">
                          {t('status.active', 'Active')}
                        </SingleSelectOption>
                        <SingleSelectOption value="archived">
                          {t('status.archived', 'Archived')}
                        </SingleSelectOption>
                      </SingleSelect>
                    </Field.Root>
                  </Grid.Item>
                </Grid.Root>
              </Box>
              {saveErrors
                .filter(
                  (e) =>
                    !['name', 'key'].some((f) => e.path.startsWith(f)) && !e.path.startsWith('rule')
                )
                .map((e) => (
                  <Alert
                    key={e.path + e.message}
                    variant="danger"
                    closeLabel={t('close', 'Close')}
                    title={t('builder.saveFailed', 'Not saved')}
                  >
                    {e.message}
                  </Alert>
                ))}
              <Tabs.Root value={tab} onValueChange={switchTab}>
                <Tabs.List aria-label={t('builder.views', 'Rule views')}>
                  <Tabs.Trigger value="builder">{t('builder.tab.builder', 'Builder')}</Tabs.Trigger>
                  <Tabs.Trigger value="json">{t('builder.tab.json', 'JSON')}</Tabs.Trigger>
                </Tabs.List>
                <Tabs.Content value="builder">
                  <Box paddingTop={4}>
                    <BuilderContext.Provider value={env}>
                      <GroupEditor group={tree} onChange={(g) => setTree(g as GroupNode)} />
                    </BuilderContext.Provider>
                  </Box>
                </Tabs.Content>
                <Tabs.Content value="json">
                  <Box paddingTop={4}>
                    <Flex direction="column" alignItems="stretch" gap={2}>
                      <Field.Root
                        name="rule-json"
                        error={jsonError}
                        hint={t(
                          'builder.json.hint',
                          'The rule in the documented rule language. Apply to load it into the builder.'
                        )}
                      >
                        <Field.Label>{t('builder.json.label', 'Rule (JSON)')}</Field.Label>
                        <Textarea
                          value={jsonText}
                          rows={18}
                          style={{ fontFamily: 'monospace' }}
                          onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) =>
                            setJsonText(e.target.value)
                          }
                        />
                        <Field.Hint />
                        <Field.Error />
                      </Field.Root>
                      <Box>
                        <Button variant="secondary" onClick={applyJson}>
                          {t('builder.json.apply', 'Apply JSON')}
                        </Button>
                      </Box>
                    </Flex>
                  </Box>
                </Tabs.Content>
              </Tabs.Root>
            </Flex>
          </Grid.Item>
          <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
            <LivePanel live={live} />
          </Grid.Item>
        </Grid.Root>
      </Layouts.Content>
    </PluginPage>
  );
};

export { SegmentBuilderPage };
