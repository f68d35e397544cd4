// Tests set LOG_LEVEL=error to keep their output readable.
export default ({ env }: { env: any }) => ({ level: env('LOG_LEVEL', 'http') });
