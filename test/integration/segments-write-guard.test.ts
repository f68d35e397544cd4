import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapi } from './helpers/strapi';

const UID = 'plugin::segments.segment';

describe('segment rules are validated on every write path', () => {
  const app = useStrapi('segment-guard');
  const segments = () => app().strapi.documents(UID);
  const count = () => app().strapi.db.query(UID).count();

  it('document service: refuses an invalid rule with the path of each problem and writes nothing', async () => {
    const before = await count();
    let caught: { name?: string; details?: { errors: Array<{ path: string }> } } | undefined;
    try {
      await segments().create({
        data: {
          name: 'Bad',
          key: 'bad',
          rule: { $and: [{ age: { $gt: 18, $frobnicate: 1 } }] },
        } as never,
      });
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught?.name).toBe('ValidationError');
    expect(caught?.details?.errors.map((e) => e.path)).toEqual(['rule.$and[0].age.$frobnicate']);
    expect(await count()).toBe(before);
  });

  it('document service: accepts valid rules and references, refuses cycles on update', async () => {
    const vip = await segments().create({
      data: { name: 'VIP', key: 'vip', rule: { plan: 'gold' } } as never,
    });
    await segments().create({
      data: {
        name: 'VIP in DE',
        key: 'vip-de',
        rule: { $and: [{ $segment: 'vip' }, { country: 'DE' }] },
      } as never,
    });
    await expect(
      segments().update({
        documentId: vip.documentId,
        data: { rule: { $segment: 'vip-de' } } as never,
      })
    ).rejects.toMatchObject({
      details: { errors: [{ path: 'rule', message: expect.stringContaining('cycle') }] },
    });
    await expect(
      segments().update({ documentId: vip.documentId, data: { key: 'gold' } as never })
    ).rejects.toMatchObject({ details: { errors: [{ path: 'key' }] } });
    const unchanged = await segments().findOne({ documentId: vip.documentId });
    expect(unchanged).toMatchObject({ key: 'vip', rule: { plan: 'gold' } });
  });

  it('Content Manager (admin REST): answers 400 naming the rule path, and 201 for a valid rule', async () => {
    const token = await adminToken(app(), { superAdmin: true });
    const url = `/content-manager/collection-types/${UID}`;
    const bad = await request(app().server)
      .post(url)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Regex', key: 'regex', rule: { email: { $regex: '(a+)+$' } } })
      .expect(400);
    expect(bad.body.error.details.errors).toEqual([
      { path: 'rule.email.$regex', message: expect.any(String) },
    ]);
    await request(app().server)
      .post(url)
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'Buyers',
        key: 'buyers',
        rule: { $event: { name: 'purchase', within: { days: 30 } } },
      })
      .expect(201);
  });
});

describe('POST /segments/rules/validate', () => {
  const app = useStrapi('rules-validate');

  it('explains a valid rule and lists its references', async () => {
    await app()
      .strapi.documents(UID)
      .create({ data: { name: 'VIP', key: 'vip', rule: { plan: 'gold' } } as never });
    const token = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const res = await request(app().server)
      .post('/segments/rules/validate')
      .set('Authorization', `Bearer ${token}`)
      .send({ rule: { $and: [{ $segment: 'vip' }, { country: 'DE' }] } })
      .expect(200);
    expect(res.body.data).toEqual({
      valid: true,
      explanation: expect.stringContaining('DE'),
      references: ['vip'],
    });
  });

  it('answers 400 with every problem, paths rooted at `rule`', async () => {
    const token = await adminToken(app(), { superAdmin: true });
    const res = await request(app().server)
      .post('/segments/rules/validate')
      .set('Authorization', `Bearer ${token}`)
      .send({ rule: { $or: [{ age: { $in: 5 } }, { $segment: 'unknown' }] } })
      .expect(400);
    const paths = res.body.error.details.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('rule.$or[0].age.$in');
    expect(paths.some((p: string) => p.startsWith('rule.$or[1]'))).toBe(true);

    const missing = await request(app().server)
      .post('/segments/rules/validate')
      .set('Authorization', `Bearer ${token}`)
      .send({})
      .expect(400);
    expect(missing.body.error.details.errors).toEqual([
      { path: 'rule', message: 'rule is required' },
    ]);
  });

  it('is forbidden without plugin::segments.read', async () => {
    const token = await adminToken(app(), { actions: [] });
    await request(app().server)
      .post('/segments/rules/validate')
      .set('Authorization', `Bearer ${token}`)
      .send({ rule: {} })
      .expect(403);
  });
});
