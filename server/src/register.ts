import type { Core } from '@strapi/strapi';
import { registerSegmentWriteGuard } from './segments/document-guard';
import { registerCampaignWriteGuard } from './campaigns/document-guard';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  registerSegmentWriteGuard(strapi);
  registerCampaignWriteGuard(strapi);
};

export default register;
