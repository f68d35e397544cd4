import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import { getService } from '../shell/get-service';
import { urlProblem } from '../outbound/address-guard';
import { countSubscriptions, removeSubscription, saveSubscription } from './repository';
import type { SubscriptionInput } from './subscription-input';
import {
  generateVapidKeys,
  isVapidKeys,
  vapidSubject,
  type VapidDetails,
  type VapidKeys,
} from './vapid';

const STORE_KEY = 'push-vapid-keys';
const WAIT_STEP_MS = 200;
const WAIT_STEPS = 50;

/**
 * Web Push, Strapi shell: the VAPID keys (config, else generated once for the whole cluster and
 * kept in Strapi's store) and the storefront's subscriptions.
 */
const pushService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;
  const store = () => strapi.store({ type: 'plugin', name: 'segments' });
  const knex = () => getService(strapi, 'store').knex();
  let keys: VapidKeys | null = null;

  /**
   * The stored pair, or one generated under a lease: two instances booting together must not
   * each make a pair (subscriptions made with one public key fail under the other).
   */
  async function storedKeys(): Promise<VapidKeys> {
    for (let step = 0; step < WAIT_STEPS; step++) {
      const stored = (await store().get({ key: STORE_KEY })) as unknown;
      if (isVapidKeys(stored)) return stored;
      const made = await getService(strapi, 'scheduler').runExclusive(
        'push-vapid-keys',
        async () => {
          const again = (await store().get({ key: STORE_KEY })) as unknown;
          if (isVapidKeys(again)) return again;
          const fresh = generateVapidKeys();
          await store().set({ key: STORE_KEY, value: fresh });
          strapi.log.info('[segments] generated Web Push VAPID keys (kept in the plugin store)');
          return fresh;
        }
      );
      if (made.ran && made.result) return made.result;
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    }
    throw new Error('segments: no VAPID keys after waiting for the instance generating them');
  }

  return {
    async vapidKeys(): Promise<VapidKeys> {
      const configured = config().push.vapid;
      if (configured) return configured;
      keys ??= await storedKeys();
      return keys;
    },

    async vapidDetails(): Promise<VapidDetails> {
      const { publicKey, privateKey } = await this.vapidKeys();
      return {
        subject: vapidSubject(config().push.subject, config().email.from),
        publicKey,
        privateKey,
      };
    },

    /** Where the endpoint may not be reached (outbound policy), or null. */
    endpointProblem(endpoint: string): string | null {
      return urlProblem({ allowedHosts: config().outbound.allowedHosts }, endpoint);
    },

    async subscribe(
      profileId: number,
      input: SubscriptionInput,
      userAgent: string | null
    ): Promise<number> {
      return saveSubscription(knex(), {
        profileId,
        endpoint: input.endpoint,
        p256dh: input.keys.p256dh,
        auth: input.keys.auth,
        userAgent: userAgent ? userAgent.slice(0, 300) : null,
        now: Date.now(),
        maxPerProfile: config().push.maxSubscriptionsPerProfile,
      });
    },

    async unsubscribe(profileId: number, endpoint: string): Promise<boolean> {
      return removeSubscription(knex(), endpoint, profileId);
    },

    stats: () => countSubscriptions(knex()),
  };
};

export default pushService;
export type PushService = ReturnType<typeof pushService>;
declare module '../shell/get-service' {
  interface PluginServices {
    push: PushService;
  }
}
