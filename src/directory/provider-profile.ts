/** The identity providers Roster knows by name; `generic` is any RFC 7644 client. */
export const PROVIDERS = ['entra', 'okta', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * What a provider profile decides: only what the RFC leaves open. Unambiguous quirks (case-insensitive `op`,
 * string booleans, Entra's member `Remove` with a value array) are accepted from every client.
 */
export interface ProviderProfile {
  /** RFC 7644 §3.5.2: a PATCH may answer 200 with the resource or 204 with no body. */
  patchUserResponse: 'resource' | 'noContent';
  patchGroupResponse: 'resource' | 'noContent';
  /** Accept unquoted filter values (`externalId eq jyoung`), as Microsoft's own samples send. */
  lenientFilters: boolean;
  /** A POST of a userName that belongs to a deactivated user reactivates it (Okta) instead of answering 409. */
  reactivateOnRecreate: boolean;
}

const PROFILES: Record<Provider, ProviderProfile> = {
  // Microsoft documents 200 + resource for user PATCH and 204 for group PATCH (groups may be huge).
  entra: { patchUserResponse: 'resource', patchGroupResponse: 'noContent', lenientFilters: true, reactivateOnRecreate: false },
  // Okta deactivates and never deletes; re-assigning a deactivated user POSTs it again.
  okta: { patchUserResponse: 'resource', patchGroupResponse: 'noContent', lenientFilters: false, reactivateOnRecreate: true },
  generic: { patchUserResponse: 'resource', patchGroupResponse: 'resource', lenientFilters: false, reactivateOnRecreate: false },
};

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** The provider's profile with the directory's own overrides on top. */
export function profileFor(provider: string, overrides: Partial<ProviderProfile> = {}): ProviderProfile {
  return { ...PROFILES[isProvider(provider) ? provider : 'generic'], ...overrides };
}
