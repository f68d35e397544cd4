/** The server's API contracts, re-exported so the admin client cannot drift from them. */
export type { DataEnvelope, Overview } from '../../../server/src/contracts';
