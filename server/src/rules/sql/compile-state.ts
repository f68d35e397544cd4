import type { Knex } from 'knex';
import type { Dialect } from '../../store/dialect';

export interface SqlCompileOptions {
  now: Date;
  retentionDays: number;
  dialect: Dialect;
  /**
   * Members of another segment for `$segment`, as a query selecting one column of profile ids.
   * Without it `$segment` matches nobody, as in memory without `isMember`.
   */
  segmentMembers?: (key: string) => Knex.QueryBuilder | Knex.Raw | null;
}

/** What compiling one rule collects on the way (read by compileRuleToSql at the end). */
export interface CompileState {
  options: SqlCompileOptions;
  pg: boolean;
  eventNames: Set<string>;
  rawEvents: boolean;
  segmentKeys: Set<string>;
}
