import { Link } from 'wouter';
import { api } from '../api.ts';
import { DefinitionList } from '../components/DefinitionList.tsx';
import { Loadable } from '../components/Loadable.tsx';
import { RawJson } from '../components/RawJson.tsx';
import { UserSignInSection } from '../components/UserSignInSection.tsx';
import { useApiData } from '../hooks/useApiData.ts';
import { usePageTitle } from '../hooks/usePageTitle.ts';
import type { Directory, User } from '../types.ts';

const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** An attribute's value in words: arrays joined, nested objects as their leaves. */
function flatten(value: unknown, path: string): [string, string][] {
  if (Array.isArray(value)) {
    return [[path, value.map((item) => (typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item))).join(', ')]];
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, path ? `${path}.${key}` : key));
  }
  return [[path, String(value)]];
}

/**
 * The extension attributes of a user: every `urn:` key of the resource but the core schema. Most are an object of
 * attributes (the enterprise extension); some identity providers send a single attribute under its full urn.
 */
function extensionsOf(user: User): { schema: string; attributes: [string, string][] }[] {
  return Object.entries(user.raw)
    .filter(([key]) => key.startsWith('urn:') && key !== CORE_USER_SCHEMA)
    .map(([schema, value]) => {
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      return { schema, attributes: flatten(value, isObject ? '' : schema.slice(schema.lastIndexOf(':') + 1)) };
    });
}

function nameOf(user: User): string | null {
  if (!user.name) return null;
  return user.name.formatted ?? ([user.name.givenName, user.name.familyName].filter(Boolean).join(' ') || null);
}

export function UserPage({ directory, userId }: { directory: Directory; userId: string }) {
  const user = useApiData((signal) => api.user(directory.id, userId, signal), [directory.id, userId]);
  usePageTitle(user.data && `${user.data.displayName ?? user.data.userName} · ${directory.name}`);
  return (
    <Loadable data={user.data} error={user.error}>
      {(user) => {
        const extensions = extensionsOf(user);
        const groups = user.groups ?? [];
        return (
          <>
            <p>
              <Link href={`/directories/${directory.id}/users`}>← All users</Link>
            </p>
            <h2>{user.displayName ?? user.userName}</h2>
            <section>
              <h3>Attributes</h3>
              <DefinitionList
                items={[
                  ['User name', user.userName],
                  ['Display name', user.displayName],
                  ['Name', nameOf(user)],
                  [
                    'Emails',
                    user.emails.length > 0 && (
                      <ul className="plain">
                        {user.emails.map((email) => (
                          <li key={email.value}>
                            {email.value}
                            {email.type && ` (${email.type})`}
                            {email.primary && ' · primary'}
                          </li>
                        ))}
                      </ul>
                    ),
                  ],
                  ['Active', user.active ? 'Yes' : 'No (deactivated)'],
                  ['User type', user.userType],
                  ['Roles', user.roles.map((role) => role.display ?? role.value).join(', ')],
                  ['External ID', user.externalId],
                  ['Roster ID', <code key="id">{user.id}</code>],
                ]}
              />
            </section>
            <section>
              <h3>Extension attributes</h3>
              {extensions.length === 0 ? (
                <p>None.</p>
              ) : (
                extensions.map(({ schema, attributes }) => (
                  <div key={schema} className="extension">
                    <h4>
                      <code>{schema}</code>
                    </h4>
                    <DefinitionList items={attributes} />
                  </div>
                ))
              )}
            </section>
            <section>
              <h3>Groups</h3>
              {groups.length === 0 ? (
                <p>Not a member of any group.</p>
              ) : (
                <ul>
                  {groups.map((group) => (
                    <li key={group.id}>
                      <Link href={`/directories/${directory.id}/groups/${group.id}`}>{group.displayName}</Link>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <UserSignInSection directoryId={directory.id} userId={user.id} userName={user.userName} />
            <RawJson value={user.raw} />
          </>
        );
      }}
    </Loadable>
  );
}
