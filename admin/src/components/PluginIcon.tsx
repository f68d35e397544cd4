import { Filter } from '@strapi/icons';

const PluginIcon = () => <Filter />;

export { PluginIcon };
