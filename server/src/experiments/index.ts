/** Experiments: deterministic bucketing and statistics (pure functional core). */
export * from './bucketing';
export * from './statistics';
export * from './distributions';
export * from './verdict';
