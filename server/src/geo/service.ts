import fs from 'fs';
import type { Core } from '@strapi/strapi';
import type { Geo } from './types';
import { loadDbIpCsv, type IpRangeTable } from './ip-ranges';
import type { PluginConfig } from '../config';

export interface GeoIpStatus {
  configured: boolean;
  loaded: boolean;
  ranges: number;
  error?: string;
}

/**
 * The optional GeoIP database (config `geo.ipDatabase`). Loaded in the background at boot so a
 * large file does not hold up the server; until it is in, requests are located by CDN headers
 * only. A configured path that does not exist stops the boot (a typo should not go unnoticed).
 */
const geoipService = ({ strapi }: { strapi: Core.Strapi }) => {
  let table: IpRangeTable | null = null;
  let loading: Promise<void> | null = null;
  let error: string | undefined;
  const path = () => (strapi.config.get('plugin::segments') as PluginConfig).geo.ipDatabase;

  return {
    start(): void {
      const file = path();
      if (!file || loading) return;
      if (!fs.existsSync(file)) {
        throw new Error(`segments.config.geo.ipDatabase: no file at ${file}`);
      }
      const started = Date.now();
      loading = loadDbIpCsv(fs.createReadStream(file), { gzip: file.endsWith('.gz') })
        .then((report) => {
          table = report.table;
          strapi.log.info(
            `[segments] GeoIP database ${file}: ${report.rows} ranges in ${Date.now() - started} ms (${report.skipped} rows skipped)`
          );
        })
        .catch((failure: unknown) => {
          error = String(failure);
          strapi.log.error(`[segments] GeoIP database ${file} could not be loaded: ${error}`);
        });
    },

    /** Resolves once the database is loaded (or failed); at once when none is configured. */
    ready(): Promise<void> {
      return loading ?? Promise.resolve();
    },

    /** Where an address is, or undefined (no database, not loaded yet, or not in it). */
    lookup(ip: string | undefined): Geo | undefined {
      return table?.lookup(ip);
    },

    status(): GeoIpStatus {
      return {
        configured: Boolean(path()),
        loaded: table !== null,
        ranges: table?.size ?? 0,
        ...(error ? { error } : {}),
      };
    },
  };
};

export default geoipService;
export type GeoIpService = ReturnType<typeof geoipService>;
declare module '../shell/get-service' {
  interface PluginServices {
    geoip: GeoIpService;
  }
}
