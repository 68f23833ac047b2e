// Builds the folder VS Code opens during the in-VS Code tests: a fresh copy, so tests may write to
// it and runs never see each other's leftovers.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, PROFILE_SUFFIX } from './paths.mjs';
import { expect } from './session.mjs';

const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');
const fixtureProfiles = join(repoRoot, 'test', 'fixtures', 'profiles');

/**
 * Copies test/fixtures/workspace/ when it exists; otherwise makes a folder whose .profiles holds
 * a copy of test/fixtures/profiles/ (the profile files the middleware would have written).
 * Returns the folder and how many profile files its .profiles holds.
 */
export function makeTestWorkspace(parentDir) {
  const workspace = join(parentDir, 'workspace');
  if (existsSync(fixtureWorkspace)) {
    cpSync(fixtureWorkspace, workspace, { recursive: true });
  } else {
    mkdirSync(join(workspace, '.profiles'), { recursive: true });
    if (existsSync(fixtureProfiles)) cpSync(fixtureProfiles, join(workspace, '.profiles'), { recursive: true });
  }
  const profilesDir = join(workspace, '.profiles');
  const profileCount = existsSync(profilesDir) ? readdirSync(profilesDir).filter((name) => name.endsWith(PROFILE_SUFFIX)).length : 0;
  return { workspace, profileCount };
}

/** The name of the profile in workspace/.profiles whose file name contains part (e.g. '-GET-slow-'). */
export function fixtureProfileName(workspace, part) {
  const name = readdirSync(join(workspace, '.profiles')).find((n) => n.includes(part) && n.endsWith(PROFILE_SUFFIX));
  expect(name, `no profile named like ${part} in the test workspace's .profiles`);
  return name;
}

/** A fixture profile of the test workspace as the middleware wrote it. */
export function fixtureDocument(workspace, part) {
  return JSON.parse(readFileSync(join(workspace, '.profiles', fixtureProfileName(workspace, part)), 'utf8'));
}

/**
 * Puts a copy of demo/app.py (the app the fixtures were recorded from) under workspace/src and
 * maps the folder it ran in, as the fixtures recorded it, to there (requestProfiler.pathMappings),
 * so that go-to-source from a fixture opens that copy. Returns the recorded folder.
 */
export function mapDemoSources(workspace) {
  mkdirSync(join(workspace, 'src'), { recursive: true });
  copyFileSync(join(repoRoot, 'demo', 'app.py'), join(workspace, 'src', 'app.py'));
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  // Where the fixtures' app ran, as they recorded it (test/fixtures/profiles/README.md).
  const recordedDemoDir = `${fixtureDocument(workspace, '-GET-slow-').paths.cwd}/demo`;
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'requestProfiler.pathMappings': { [recordedDemoDir]: '${workspaceFolder}/src' } }, null, 2),
  );
  return recordedDemoDir;
}
