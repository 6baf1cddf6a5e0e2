import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefix: secret scanners and humans can tell a Roster token from any other string. */
const SECRET_TOKEN_PREFIX = 'roster_';

export interface NewSecretToken {
  token: string;
  hash: string;
  prefix: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A new secret: `prefix` and 256 random bits. Only its SHA-256 hash and a short display prefix are ever stored. The
 * same kind of secret serves as a directory's Secret Token and as an API key (with its own prefix).
 */
export function newSecretToken(prefix: string = SECRET_TOKEN_PREFIX): NewSecretToken {
  const token = prefix + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, prefix.length + 6) };
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
