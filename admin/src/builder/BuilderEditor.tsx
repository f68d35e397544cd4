import {
  Box,
  Button,
  Checkbox,
  Flex,
  IconButton,
  MenuItem,
  SimpleMenu,
  Typography,
} from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { SelectField } from './fields';
import {
  emptyGroup,
  newCondition,
  type ConditionNode,
  type GroupNode,
  type RuleNode,
} from './ruleTree';
import { useEnv, KINDS, kindLabel } from './env';
import { ConditionEditor } from './ConditionEditor';

export { BuilderContext, kindLabel, type BuilderEnv } from './env';

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
