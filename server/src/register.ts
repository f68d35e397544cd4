import type { Core } from '@strapi/strapi';
import { registerSegmentWriteGuard } from './segments/document-guard';
import {
  injectTargetingFields,
  registerGraphqlEnforcement,
  registerPreviewParam,
  registerTargetingEnforcement,
} from './personalization/enforce';
import { registerPersonalizationWriteGuard } from './personalization/write-guard';
import { registerCampaignWriteGuard } from './campaigns/document-guard';
import { campaignStateMigration } from './campaigns/state-migration';
import { trackTransactions } from './store/transaction';
import { personalisedContentTypes, registerFieldVariants, registerFieldVariantsGraphql } from './field-variants/strapi';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Before anything queries: the plugin's raw queries join a caller's open transaction.
  trackTransactions(strapi.db as never);
  // Runs before Strapi's schema sync, which would otherwise drop the renamed column's values.
  strapi.db.migrations.providers.internal.register(campaignStateMigration);
  registerSegmentWriteGuard(strapi);
  registerCampaignWriteGuard(strapi);
  injectTargetingFields(strapi);
  // Before targeting: its filter rewrite would otherwise show up in the paths of refused queries.
  registerFieldVariants(strapi);
  registerTargetingEnforcement(strapi);
  registerPreviewParam(strapi, () => personalisedContentTypes(strapi));
  registerGraphqlEnforcement(strapi);
  registerPersonalizationWriteGuard(strapi);
  registerFieldVariantsGraphql(strapi);
};

export default register;
