import crypto from 'crypto';
import os from 'os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import { knexLeaseStore, leaseRunCoordinator, withLease, type LeaseRun } from './lease';
import { getService } from '../shell/get-service';

/**
 * Named jobs that run on exactly one instance at a time. Strapi's own cron runs on every instance
 * (strapi/strapi#15634), so coordination is ours: node-cron's `distributed` hook asks a database
 * lease before each fire, and `runExclusive` holds a renewed lease for on-demand work.
 */
const schedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const tasks = new Map<string, ScheduledTask>();
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;
  const store = () => knexLeaseStore(getService(strapi, 'store').knex());

  return {
    owner,

    enabled(): boolean {
      return config().scheduler.enabled;
    },

    /** Runs `work` unless another instance already runs the job of that name. */
    runExclusive<T>(name: string, work: (signal: AbortSignal) => Promise<T>): Promise<LeaseRun<T>> {
      return withLease(
        store(),
        `job:${name}`,
        owner,
        config().scheduler.leaseTtlSeconds * 1000,
        work
      );
    },

    /**
     * Schedules `work` on a cron expression (UTC). Each fire runs on one instance among those with
     * the scheduler enabled; a fire still running when the next one comes is skipped.
     */
    schedule(name: string, expression: string, work: () => Promise<void>): void {
      if (!this.enabled()) return;
      if (tasks.has(name))
        throw new Error(`segments scheduler: a task named ${name} already exists`);
      const task = cron.schedule(
        expression,
        async () => {
          try {
            await work();
          } catch (error) {
            strapi.log.error(`[segments] scheduled job ${name} failed: ${String(error)}`);
          }
        },
        {
          name: `segments:${name}`,
          timezone: 'Etc/UTC',
          noOverlap: true,
          distributed: true,
          runCoordinator: leaseRunCoordinator(store(), owner),
          distributedLease: config().scheduler.leaseTtlSeconds * 1000,
        }
      );
      tasks.set(name, task);
    },

    async stopAll(): Promise<void> {
      for (const task of tasks.values()) await task.destroy();
      tasks.clear();
    },

    /** Old per-fire leases are only a record; keep a day of them. */
    async purgeExpiredLeases(): Promise<number> {
      return store().purgeExpired(24 * 3600 * 1000);
    },
  };
};

export default schedulerService;
export type SchedulerService = ReturnType<typeof schedulerService>;
declare module '../shell/get-service' {
  interface PluginServices {
    scheduler: SchedulerService;
  }
}
