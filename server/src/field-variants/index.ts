/** Per-segment field variants (issue 12): pure core. */
export * from './value';
export * from './schema';
