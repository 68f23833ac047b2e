/**
 * The extension's settings, read and checked in one place. A wrong value gets a warning that
 * names the setting and falls back to the default instead of breaking the panel.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MAX_PROFILE_SIZE_MB } from '../node/readLimits';

export const SECTION = 'requestProfiler';

export interface PathMapping {
  /** Prefix of paths as the app's server recorded them (e.g. /app in a container). */
  from: string;
  /** Local folder that holds the same files. */
  to: string;
}

export interface Settings {
  /** Absolute directories to watch, in order, without duplicates. */
  profileDirectories: string[];
  pathMappings: PathMapping[];
  maxProfiles: number;
  hideLibraryFrames: boolean;
  slowRequestMs: number;
  burstGapSeconds: number;
  /** Profile files larger than this are listed with the reason and never read whole. */
  maxProfileSizeMB: number;
}

const DEFAULT_DIRECTORY = '.profiles';

/** Expands ${workspaceFolder}, ${workspaceFolder:name}, ${userHome} and ~ in a setting value. */
export function expandVariables(value: string, folder: vscode.WorkspaceFolder | undefined): string | undefined {
  let unresolved = false;
  const expanded = value
    .replace(/^~(?=$|[\\/])/, os.homedir())
    .replace(/\$\{userHome\}/g, os.homedir())
    .replace(/\$\{workspaceFolder(?::([^}]+))?\}/g, (_match, name: string | undefined) => {
      const target = name ? vscode.workspace.workspaceFolders?.find((f) => f.name === name) : folder;
      if (!target) {
        unresolved = true;
        return '';
      }
      return target.uri.fsPath;
    });
  return unresolved ? undefined : expanded;
}

/** Resolves the directory setting: relative entries are taken in every workspace folder. */
function resolveDirectories(entries: string[], problems: string[]): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const result: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || !entry.trim()) {
      problems.push(`${SECTION}.profileDirectories holds ${JSON.stringify(entry)}, which is not a folder path.`);
      continue;
    }
    // Absolute on its own (also after ~ or ${userHome}): one directory. Otherwise one per workspace folder.
    const standalone = expandVariables(entry.trim(), undefined);
    if (standalone !== undefined && path.isAbsolute(standalone)) {
      result.push(path.normalize(standalone));
      continue;
    }
    if (!folders.length) {
      problems.push(`${SECTION}.profileDirectories entry "${entry}" is relative to the workspace, but no folder is open.`);
      continue;
    }
    for (const folder of folders) {
      const expanded = expandVariables(entry.trim(), folder);
      if (expanded === undefined) {
        problems.push(`${SECTION}.profileDirectories entry "${entry}" names a workspace folder that is not open.`);
        continue;
      }
      const absolute = path.isAbsolute(expanded) ? expanded : path.join(folder.uri.fsPath, expanded);
      result.push(path.normalize(absolute));
    }
  }
  return [...new Set(result)];
}

function readPathMappings(value: unknown, problems: string[]): PathMapping[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${SECTION}.pathMappings must be an object like {"/app": "\${workspaceFolder}"}.`);
    return [];
  }
  const mappings: PathMapping[] = [];
  for (const [from, to] of Object.entries(value as Record<string, unknown>)) {
    if (typeof to !== 'string' || !from) {
      problems.push(`${SECTION}.pathMappings["${from}"] must be a local folder path (a string).`);
      continue;
    }
    const local = expandVariables(to, vscode.workspace.workspaceFolders?.[0]);
    if (local === undefined) {
      problems.push(`${SECTION}.pathMappings["${from}"] names a workspace folder that is not open.`);
      continue;
    }
    mappings.push({ from, to: local });
  }
  return mappings;
}

function readNumber(config: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, problems: string[]): number {
  const value = config.get<unknown>(key, fallback);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    problems.push(`${SECTION}.${key} must be a number ≥ ${min}; using ${fallback}.`);
    return fallback;
  }
  return value;
}

export function readSettings(): { settings: Settings; problems: string[] } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const problems: string[] = [];
  let directories = config.get<unknown>('profileDirectories', [DEFAULT_DIRECTORY]);
  if (!Array.isArray(directories)) {
    problems.push(`${SECTION}.profileDirectories must be a list of folders; using ["${DEFAULT_DIRECTORY}"].`);
    directories = [DEFAULT_DIRECTORY];
  }
  const settings: Settings = {
    profileDirectories: resolveDirectories(directories as string[], problems),
    pathMappings: readPathMappings(config.get('pathMappings'), problems),
    maxProfiles: Math.floor(readNumber(config, 'maxProfiles', 1000, 1, problems)),
    hideLibraryFrames: config.get<boolean>('hideLibraryFrames', true) !== false,
    slowRequestMs: readNumber(config, 'slowRequestMs', 500, 0, problems),
    burstGapSeconds: readNumber(config, 'burstGapSeconds', 5, 0, problems),
    maxProfileSizeMB: readNumber(config, 'maxProfileSizeMB', DEFAULT_MAX_PROFILE_SIZE_MB, 1, problems),
  };
  return { settings, problems: [...new Set(problems)] };
}
