import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { explainRule, segmentReferences, type Rule } from '../rules';
import type { RuleValidation } from '../contracts';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * POST /segments/rules/validate `{ rule }` (admin) — the segment builder's live check:
   * 200 with the plain-language explanation, or 400 with every problem's `{ path, message }`.
   */
  async validate(ctx: Context) {
    const body = (ctx.request as unknown as { body?: unknown }).body;
    if (typeof body !== 'object' || body === null || !('rule' in body)) {
      return replyError(ctx, 400, 'rule is required', [
        { path: 'rule', message: 'rule is required' },
      ]);
    }
    const rule = (body as { rule: unknown }).rule;
    const problems = await getService(strapi, 'segments').ruleProblems(rule);
    if (problems.length > 0) {
      return replyError(ctx, 400, `Invalid rule: ${problems.length} problem(s)`, problems);
    }
    const data: RuleValidation = {
      valid: true,
      explanation: explainRule(rule as Rule), // validated above
      references: segmentReferences(rule),
    };
    ctx.body = { data };
  },
});
