/** Great-circle distance for `$geo`. */

/** Mean Earth radius (IUGG), in km. */
export const EARTH_RADIUS_KM = 6371.0088;

const RADIANS = Math.PI / 180;

/**
 * Haversine distance in km. The half-angle sines are periodic, so longitudes on either side of
 * the antimeridian (179.9 and -179.9) come out close, and every longitude at a pole is the same
 * point.
 */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const sinHalfLat = Math.sin(((lat2 - lat1) * RADIANS) / 2);
  const sinHalfLng = Math.sin(((lng2 - lng1) * RADIANS) / 2);
  const a =
    sinHalfLat * sinHalfLat +
    Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS) * sinHalfLng * sinHalfLng;
  // Rounding can push `a` a hair outside [0, 1] for (near-)antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, Math.max(0, a))));
}

export function isLatitude(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= -90 && value <= 90;
}

export function isLongitude(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= -180 && value <= 180;
}
