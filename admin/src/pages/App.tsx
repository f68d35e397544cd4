import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../permissions';
import { ActivityPage } from './ActivityPage';
import { CampaignComposerPage } from './CampaignComposerPage';
import { CampaignsListPage } from './CampaignsListPage';
import { AnalyticsPage } from './AnalyticsPage';
import { CampaignReportPage } from './CampaignReportPage';
import { SegmentBuilderPage } from './SegmentBuilderPage';
import { SegmentDetailPage } from './SegmentDetailPage';
import { SegmentsListPage } from './SegmentsListPage';
import { PlacementsPage } from './PlacementsPage';
import { SettingsPage } from './SettingsPage';

const App = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <Routes>
      <Route index element={<SegmentsListPage />} />
      <Route path="new" element={<SegmentBuilderPage />} />
      <Route path="activity" element={<ActivityPage />} />
      <Route path="placements" element={<PlacementsPage />} />
      <Route path="settings" element={<SettingsPage />} />
      {/* Campaign pages check campaigns.manage / campaigns.send themselves (either may enter). */}
      <Route path="campaigns" element={<CampaignsListPage />} />
      <Route path="campaigns/new" element={<CampaignComposerPage />} />
      <Route path="campaigns/:documentId" element={<CampaignComposerPage />} />
      <Route path="analytics" element={<AnalyticsPage />} />
      <Route path="campaigns/:documentId/report" element={<CampaignReportPage />} />
      <Route path=":documentId" element={<SegmentDetailPage />} />
      <Route path=":documentId/edit" element={<SegmentBuilderPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default App;
