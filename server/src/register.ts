import type { Core } from '@strapi/strapi';
import { registerSegmentWriteGuard } from './segments/document-guard';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  registerSegmentWriteGuard(strapi);
};

export default register;
