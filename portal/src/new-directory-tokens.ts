/**
 * The Secret Token of a directory just created, handed from the form that created it to the directory's page. It is
 * kept in memory only, never in the URL or the browser history, so a reload or the back button cannot show it again.
 */
const tokens = new Map<string, string>();

export const newDirectoryTokens = {
  keep(directoryId: string, token: string): void {
    tokens.set(directoryId, token);
  },
  peek(directoryId: string): string | null {
    return tokens.get(directoryId) ?? null;
  },
  forget(directoryId: string): void {
    tokens.delete(directoryId);
  },
};
