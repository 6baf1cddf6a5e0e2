// Run before `npm start`: builds the admin portal when dist/portal/index.html is missing or older than a file of
// portal/, so a fresh clone, or a pull that changed the portal, serves current pages without a separate step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const sources = join(repo, 'portal');
const builtIndex = join(repo, 'dist', 'portal', 'index.html');

function newestModification(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : null;
if (builtAt !== null && builtAt >= newestModification(sources)) process.exit(0);

// An install without devDependencies (npm ci --omit=dev) has no Vite: it serves whatever was built before, and the
// portal itself says how to build it when nothing was.
if (!existsSync(join(repo, 'node_modules', 'vite', 'package.json'))) {
  console.warn('The admin portal is not built or out of date, and Vite is not installed: run `npm install` then `npm run build:portal`.');
  process.exit(0);
}

console.log(builtAt === null ? 'Building the admin portal…' : 'The admin portal changed: building it…');
// npm_execpath is the npm that runs this script, so the build uses the same npm on every platform.
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build:portal'], { cwd: repo, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build:portal'], { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);
