import { Link } from 'wouter';
import type { User } from '../types.ts';
import { DataTable } from './DataTable.tsx';

interface UserTableProps {
  directoryId: string;
  users: User[];
  caption: string;
  busy?: boolean;
}

/** Users of a directory, each linking to its page: the Users list and a group's members. */
export function UserTable({ directoryId, users, caption, busy }: UserTableProps) {
  return (
    <DataTable
      caption={caption}
      hideCaption
      busy={busy}
      rows={users}
      rowKey={(user) => user.id}
      empty="No users."
      columns={[
        {
          header: 'User name',
          cell: (user) => <Link href={`/directories/${directoryId}/users/${user.id}`}>{user.userName}</Link>,
        },
        { header: 'Display name', cell: (user) => user.displayName ?? '—' },
        { header: 'Email', cell: (user) => (user.emails.find((email) => email.primary) ?? user.emails[0])?.value ?? '—' },
        { header: 'Status', cell: (user) => (user.active ? 'Active' : 'Deactivated') },
        { header: 'User type', cell: (user) => user.userType ?? '—' },
      ]}
    />
  );
}
