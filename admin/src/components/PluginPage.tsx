import { Layouts, Page, SubNav } from '@strapi/strapi/admin';
import type { ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { PERMISSIONS, type PermissionList } from '../permissions';
import { PLUGIN_ID } from '../pluginId';
import { useCan } from '../utils/useCan';
import { useT } from '../utils/useT';

const BASE = `/plugins/${PLUGIN_ID}`;

interface Entry {
  id: string;
  to: string;
  label: string;
  permission: PermissionList;
  /** Whether the current path belongs to this entry (the segments pages own the plain ids). */
  owns: (rest: string) => boolean;
}

/**
 * The plugin's sub-navigation: one entry per area, each hidden without its permission (the
 * server refuses the API calls behind it either way).
 */
export const PluginNav = () => {
  const t = useT();
  const { can, canAny } = useCan();
  const { pathname } = useLocation();
  const rest = pathname.replace(/^.*?\/plugins\/segments\/?/, '');
  const area = (name: string) => (r: string) => r === name || r.startsWith(`${name}/`);
  const entries: Entry[] = [
    {
      id: 'segments',
      to: BASE,
      label: t('nav.segments', 'Segments'),
      permission: PERMISSIONS.read,
      owns: (r) =>
        !['activity', 'campaigns', 'analytics', 'placements', 'settings'].some((a) => area(a)(r)),
    },
    {
      id: 'activity',
      to: `${BASE}/activity`,
      label: t('nav.activity', 'Activity'),
      permission: PERMISSIONS.read,
      owns: area('activity'),
    },
    {
      id: 'campaigns',
      to: `${BASE}/campaigns`,
      label: t('nav.campaigns', 'Campaigns'),
      // Campaigns are for those who may edit or send them; readers get the reports via Analytics.
      permission: PERMISSIONS.campaigns,
      owns: area('campaigns'),
    },
    {
      id: 'analytics',
      to: `${BASE}/analytics`,
      label: t('nav.analytics', 'Analytics'),
      permission: PERMISSIONS.analytics,
      owns: area('analytics'),
    },
    {
      id: 'placements',
      to: `${BASE}/placements`,
      label: t('nav.placements', 'Placements'),
      permission: PERMISSIONS.read,
      owns: area('placements'),
    },
    {
      id: 'settings',
      to: `${BASE}/settings`,
      label: t('nav.settings', 'Settings'),
      permission: PERMISSIONS.settingsRead,
      owns: area('settings'),
    },
  ];
  return (
    <SubNav.Main aria-label={t('nav.label', 'Segments plugin')}>
      <SubNav.Header label={t('plugin.title', 'Segments')} />
      <SubNav.Content>
        <SubNav.Sections gap={1}>
          {entries
            .filter((e) => (e.id === 'campaigns' ? canAny(e.permission) : can(e.permission)))
            .map((e) => (
              <SubNav.Link
                key={e.id}
                to={e.to}
                label={e.label}
                data-testid={`nav-${e.id}`}
                // NavLink's prefix matching would mark "Segments" active on every plugin page:
                // it matches its exact path only, and the segment pages are added here.
                end={e.id === 'segments'}
                className={e.owns(rest) ? 'active' : undefined}
              />
            ))}
        </SubNav.Sections>
      </SubNav.Content>
    </SubNav.Main>
  );
};

/** The frame of every plugin page: the sub-navigation, the document title and the main area. */
export const PluginPage = ({ title, children }: { title: string; children: ReactNode }) => (
  <Layouts.Root sideNav={<PluginNav />}>
    <Page.Title>{title}</Page.Title>
    <Page.Main>{children}</Page.Main>
  </Layouts.Root>
);
