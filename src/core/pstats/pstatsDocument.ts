/**
 * Dresses a pstats file as a ProfileDocument, so that .prof files open in the same views
 * and list in the same Profiles panel as the middleware's profiles.
 *
 * A .prof file records only the cProfile numbers. What the document holds besides them:
 *   known      header.profiled (true), skipReason (null), functionCount, edgeCount,
 *              profiledMs (the sum of own times: pstats' total, what it prints);
 *              from a Werkzeug file name: method, path, wallMs (Werkzeug's "elapsed"),
 *              interface ('wsgi': Werkzeug's middleware is WSGI-only).
 *   estimated  start (Werkzeug's time minus the elapsed time; else the file's modification
 *              time minus wallMs), path when its "." may have been "/", wallMs without a
 *              Werkzeug name (the profiled time stands in), paths.stdlib and
 *              paths.sitePackages (recognised in the profile's file names).
 *   unknown    everything else: cpuMs, query, status, contentType, contentLength, bytesSent,
 *              pid, threadId, threadName, error (null means unknown here, not "no error"),
 *              interface without a Werkzeug name; request/response headers, environ,
 *              python and paths.cwd/prefixes are empty.
 * `source.unknownFields` and `source.estimatedFields` list the header fields of the last two
 * groups, so views can show "?" or "≈" instead of a placeholder.
 */
import type { ProfileData, ProfileDocument, ProfileHeader, ProfilePaths } from '../profileFormat';
import { checkTimesAddUp } from '../timeSum';
import { PROFILE_FORMAT, PROFILE_VERSION } from '../profileFormat';
import { readPstats } from './readPstats';
import { parseWerkzeugFileName, type ElapsedDecimals, type WerkzeugFileName } from './werkzeugFileName';

export interface PstatsSource {
  kind: 'pstats';
  /** The file's base name, when known. */
  fileName: string | undefined;
  /** What the name says, when Werkzeug's ProfilerMiddleware wrote the file. */
  werkzeug: WerkzeugFileName | undefined;
  /** Header fields the file does not record: their values are placeholders. */
  unknownFields: (keyof ProfileHeader)[];
  /** Header fields derived indirectly (see the module comment). */
  estimatedFields: (keyof ProfileHeader)[];
}

/** A ProfileDocument built from a pstats file; `source` says which fields mean nothing. */
export interface PstatsProfileDocument extends ProfileDocument {
  source: PstatsSource;
}

export interface PstatsFileInfo {
  /** Base name of the file (a Werkzeug name yields method, path, duration and time). */
  fileName?: string;
  /** File modification time (ms since epoch): when the profile was written. */
  modifiedMs?: number;
  /** The directory's Werkzeug elapsed format (inferElapsedDecimals), if known. */
  elapsedDecimals?: ElapsedDecimals;
}

export const WERKZEUG_NOTE =
  "werkzeug: method, path and duration come from the file name; '.' in the path may have been '/', and the query string is not recorded";

/** Reads a pstats file into a whole document. Throws PstatsReadError when it is not one. */
export function readPstatsDocument(bytes: Uint8Array, info: PstatsFileInfo = {}): PstatsProfileDocument {
  const profile = readPstats(bytes);
  checkTimesAddUp(profile);
  const { header, source } = pstatsHeader(info, profile);
  const werkzeug = source.werkzeug;
  if (werkzeug) profile.notes.push(WERKZEUG_NOTE);
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    header,
    request: {
      method: header.method,
      path: header.path,
      query: '',
      scheme: '',
      host: '',
      remoteAddr: null,
      headers: [],
    },
    response: { status: null, statusLine: null, headers: [], contentType: null, contentLength: null, bytesSent: 0 },
    environ: {},
    error: null,
    python: { version: '', implementation: '', executable: '' },
    paths: inferPaths(profile),
    profile,
    source,
  };
}

/**
 * The header of a pstats file: from its name and time alone (for the Profiles panel, without
 * reading the file), or completed from its data when profile is given.
 */
export function pstatsHeader(info: PstatsFileInfo, profile?: ProfileData): { header: ProfileHeader; source: PstatsSource } {
  const unknown = new Set<keyof ProfileHeader>([
    'cpuMs',
    'query',
    'status',
    'contentType',
    'contentLength',
    'bytesSent',
    'pid',
    'threadId',
    'threadName',
    'error',
  ]);
  const estimated = new Set<keyof ProfileHeader>();
  const werkzeug = info.fileName === undefined ? undefined : parseWerkzeugFileName(info.fileName, info.elapsedDecimals);

  let profiledMs = 0;
  if (profile) profiledMs = profiledSeconds(profile) * 1000;
  else unknown.add('profiledMs').add('functionCount').add('edgeCount');

  let wallMs: number;
  if (werkzeug) {
    wallMs = werkzeug.elapsedMs;
  } else if (profile) {
    wallMs = profiledMs;
    estimated.add('wallMs');
  } else {
    wallMs = 0;
    unknown.add('wallMs');
  }

  let start = 0;
  if (werkzeug) start = werkzeug.time - wallMs / 1000;
  else if (info.modifiedMs !== undefined) start = (info.modifiedMs - wallMs) / 1000;
  else unknown.add('start');
  if (werkzeug || info.modifiedMs !== undefined) estimated.add('start');

  if (!werkzeug) unknown.add('method').add('path').add('interface');
  else if (werkzeug.pathAmbiguous) estimated.add('path');

  const header: ProfileHeader = {
    id: info.fileName ?? 'pstats',
    start,
    wallMs,
    cpuMs: 0,
    profiledMs,
    interface: 'wsgi',
    profiled: true,
    skipReason: null,
    method: werkzeug?.method ?? '',
    path: werkzeug?.path ?? '',
    query: '',
    status: null,
    contentType: null,
    contentLength: null,
    bytesSent: 0,
    pid: 0,
    threadId: 0,
    threadName: '',
    error: null,
    functionCount: profile?.functions.length ?? 0,
    edgeCount: profile?.edges.length ?? 0,
  };
  return {
    header,
    source: { kind: 'pstats', fileName: info.fileName, werkzeug, unknownFields: [...unknown], estimatedFields: [...estimated] },
  };
}

/**
 * Seconds the profile covers: the sum of every function's own time, which is pstats' total_tt
 * (the "in N seconds" it prints). Each moment profiled is some one function's own time, so
 * the sum holds however the functions call each other. The cumulative time of the functions
 * nothing calls is the same figure only when there are such functions: under
 * `python -m cProfile -o`, builtins.exec runs the script and is also called by the import
 * machinery for every imported module, so nothing is uncalled and that sum was 0.
 */
function profiledSeconds(profile: ProfileData): number {
  let sum = 0;
  for (const f of profile.functions) sum += f.tt;
  return sum;
}

const STDLIB = /^(.*\/lib\/python\d+\.\d+)\//;
const SITE_PACKAGES = /^(.*\/(?:site|dist)-packages)\//;

/** The interpreter's directories, as far as the profile's file names show them. */
function inferPaths(profile: ProfileData): ProfilePaths {
  const stdlib = new Set<string>();
  const sitePackages = new Set<string>();
  for (const { file } of profile.functions) {
    const path = file.replace(/\\/g, '/');
    const site = SITE_PACKAGES.exec(path);
    if (site) {
      sitePackages.add(site[1]);
      continue;
    }
    const std = STDLIB.exec(path);
    if (std) stdlib.add(std[1]);
  }
  return { cwd: '', stdlib: [...stdlib], sitePackages: [...sitePackages], prefixes: [] };
}
