import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefix: secret scanners and humans can tell a Roster token from any other string. */
const PREFIX = 'roster_';

export interface NewSecretToken {
  token: string;
  hash: string;
  prefix: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new Secret Token: 256 random bits. Only its SHA-256 hash and a short display prefix are ever stored. */
export function newSecretToken(): NewSecretToken {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, PREFIX.length + 6) };
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
