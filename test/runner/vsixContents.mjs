// Checks what an installed .vsix actually holds, so a change to .vscodeignore (or a new build
// output) cannot quietly ship sources, tests or node_modules, or leave out what the extension needs.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** What may ship. Anything else in the installed folder is a problem. */
const ALLOWED = [
  /^package\.json$/,
  /^(README|CHANGELOG)\.md$/i, // vsce ships the README as readme.md
  /^LICENSE(\.txt|\.md)?$/,
  /^\.vsixmanifest$/, // written by VS Code when it installs a .vsix
  /^dist\/(?!.*\.map$).+$/,
  /^media\/.+$/,
  /^docs\/images\/[^/]+\.png$/,
  /^python\/(pyproject\.toml|README\.md)$/,
  // Modules of the middleware, but no test folders, test modules or caches.
  /^(?!.*\/(tests?|__pycache__)\/)(?!.*\/(test_[^/]*|conftest)\.py$)python\/request_profiler\/.+\.(py|typed)$/,
];

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      relative(dir, join(entry.parentPath ?? entry.path, entry.name))
        .split(sep)
        .join('/'),
    )
    .sort();
}

/** Returns the list of problems (empty when the package is right) and the files it holds. */
export function checkInstalledPackage(folder) {
  const files = filesUnder(folder);
  const problems = files.filter((file) => !ALLOWED.some((pattern) => pattern.test(file))).map((file) => `ships ${file}, which .vscodeignore should leave out`);

  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  // The aggregate's worker threads start dist/aggregateWorker.js, next to the extension's bundle.
  const required = [manifest.main, manifest.icon, 'python/request_profiler/__init__.py', 'dist/aggregateWorker.js']
    .filter(Boolean)
    .map((path) => path.replace(/^\.\//, ''));
  for (const path of required) {
    // The manifest's main may omit ".js".
    if (!existsSync(join(folder, path)) && !existsSync(join(folder, `${path}.js`))) {
      problems.push(`does not ship ${path}`);
    }
  }
  return { problems, files };
}
