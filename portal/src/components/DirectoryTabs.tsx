import { NavLink } from './NavLink.tsx';

/** The pages of one directory. */
export function DirectoryTabs({ directoryId }: { directoryId: string }) {
  const base = `/directories/${directoryId}`;
  return (
    <nav aria-label="Directory" className="tabs">
      <ul>
        <li>
          <NavLink href={base}>Setup</NavLink>
        </li>
        <li>
          <NavLink href={`${base}/users`} prefix>
            Users
          </NavLink>
        </li>
        <li>
          <NavLink href={`${base}/groups`} prefix>
            Groups
          </NavLink>
        </li>
        <li>
          <NavLink href={`${base}/log`}>Provisioning log</NavLink>
        </li>
        <li>
          <NavLink href={`${base}/rules`}>Attribute rules</NavLink>
        </li>
      </ul>
    </nav>
  );
}
