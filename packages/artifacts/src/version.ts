/** Version of @mlwarden/artifacts. */
export const VERSION = '0.1.0';
