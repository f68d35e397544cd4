import type { Core } from '@strapi/strapi';
import { registerSegmentWriteGuard } from './segments/document-guard';
import {
  injectTargetingFields,
  registerPreviewParam,
  registerTargetingEnforcement,
} from './personalization/enforce';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  registerSegmentWriteGuard(strapi);
  injectTargetingFields(strapi);
  registerTargetingEnforcement(strapi);
  registerPreviewParam(strapi);
};

export default register;
