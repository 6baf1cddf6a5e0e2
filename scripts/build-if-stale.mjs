// Run before `npm start` and `npm run bench`: builds the server (build/) and the admin portal (dist/portal/) when
// either is missing or older than a file it is built from, so a fresh clone, or a pull, runs current code without a
// separate step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildState, builds, repo } from './staleness.mjs';

let status = 0;
for (const build of Object.values(builds)) {
  const state = buildState(build);
  if (state === 'current') continue;
  // An install without devDependencies (npm ci --omit=dev) has neither TypeScript nor Vite. The server then runs from
  // its sources (bin/roster falls back to tsx); the portal serves whatever was built before, and says how to build
  // it when nothing was.
  if (!existsSync(join(repo, 'node_modules', build.tool, 'package.json'))) {
    console.warn(`${build.name} is not built or out of date, and ${build.tool} is not installed: run \`npm install\` then \`npm run ${build.script}\`.`);
    continue;
  }
  console.log(state === 'missing' ? `Building ${build.name}…` : `${build.name[0].toUpperCase()}${build.name.slice(1)} changed: building it…`);
  // npm_execpath is the npm that runs this script, so the build uses the same npm on every platform.
  const npm = process.env.npm_execpath;
  const run = npm
    ? spawnSync(process.execPath, [npm, 'run', build.script], { cwd: repo, stdio: 'inherit' })
    : spawnSync('npm', ['run', build.script], { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
  status ||= run.status ?? 1;
}
process.exit(status);
