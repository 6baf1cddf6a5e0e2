/** The key for stored secrets is missing, malformed, or not the one they were sealed with. */
export class SecretError extends Error {}
