/** Where a visitor is, as far as CDN headers, a GeoIP database or traits tell. */
export interface Geo {
  country?: string;
  region?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}
