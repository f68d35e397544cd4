/**
 * The segment builder's model: a tree of AND/OR groups (each optionally negated) and typed
 * condition rows, converted to and from the rule language (docs/rules.md). Pure — no React, no
 * Strapi — so the conversion is unit-tested directly (test/unit/admin/rule-tree.test.ts).
 *
 * Conversions:
 *  - treeToRule(tree) writes one canonical form: a group is `{ "$and": [...] }` / `{ "$or": [...] }`,
 *    a negated group `{ "$not": … }`, an empty AND group `{}`.
 *  - ruleToTree(rule) reads any rule. What has no row kind (semver operators, `$elemMatch`,
 *    `$savedGroup`, …) becomes a `raw` row holding its JSON untouched, so nothing is lost.
 *  - treeToRule(ruleToTree(r)) means the same as r, and ruleToTree(treeToRule(t)) equals t up to
 *    row ids: the JSON view round-trips.
 */
export * from './tree/types';
export * from './tree/to-rule';
export * from './tree/from-rule';
export * from './tree/edit';
