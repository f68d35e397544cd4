import { useAuth } from '@strapi/strapi/admin';
import { useCallback } from 'react';
import type { PermissionList } from '../permissions';

/**
 * `can(PERMISSIONS.x)` from the signed-in user's permissions. useRBAC names its answers after
 * the last part of an action (`canManage`, `canRead`), which collides for this plugin's
 * `segments.manage` / `campaigns.manage` and `read` / `analytics.read` / `settings.read`; the
 * plugin's actions have no subject and no conditions, so the action name decides.
 */
export function useCan() {
  const permissions = useAuth('segments.useCan', (state) => state.permissions);
  const isLoading = useAuth('segments.useCan', (state) => state.isLoading);
  const can = useCallback(
    (needed: PermissionList) => needed.every((n) => permissions.some((p) => p.action === n.action)),
    [permissions]
  );
  const canAny = useCallback(
    (needed: PermissionList) => needed.some((n) => permissions.some((p) => p.action === n.action)),
    [permissions]
  );
  return { can, canAny, isLoading };
}
