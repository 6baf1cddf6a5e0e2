// Whether a build output is older than the sources it is built from: the newest modification time of any file under
// the source directories against the output's. A checkout or pull that changes a source file makes it newer.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('..', import.meta.url));

function newestModification(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** What is built, from what, and by which npm script. */
export const builds = {
  server: { name: 'the server', sources: ['src', 'tsconfig.json', 'tsconfig.build.json'], output: 'build/cli/main.js', script: 'build:server', tool: 'typescript' },
  portal: { name: 'the admin portal', sources: ['portal'], output: 'dist/portal/index.html', script: 'build:portal', tool: 'vite' },
};

/** 'missing', 'stale' or 'current'. */
export function buildState({ sources, output }) {
  const built = join(repo, output);
  if (!existsSync(built)) return 'missing';
  const newest = Math.max(...sources.map((source) => {
    const path = join(repo, source);
    return statSync(path).isDirectory() ? newestModification(path) : statSync(path).mtimeMs;
  }));
  return statSync(built).mtimeMs >= newest ? 'current' : 'stale';
}
