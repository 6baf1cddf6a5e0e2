/**
 * A database location fit for a log or a terminal: the password of a PostgreSQL URL, in its user part or in a
 * `password` parameter, is replaced by `***`. A SQLite path is printed as it is.
 */
export function printableDatabase(location: string): string {
  if (!/^postgres(ql)?:\/\//i.test(location)) return location;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Unparseable here (pg may still read it): print none of it rather than a password.
    return `${location.slice(0, location.indexOf('://'))}://***`;
  }
  if (url.password) url.password = '***';
  if (url.searchParams.has('password')) url.searchParams.set('password', '***');
  return url.toString();
}
