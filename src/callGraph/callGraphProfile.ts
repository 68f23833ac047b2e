/**
 * What the call graph page is sent for a parsed profile document, and how the panel is
 * titled. Pure, so the words the user sees are unit-tested without VS Code.
 */
import { formatMs } from '../core/format';
import type { ProfileDocument, ProfileHeader } from '../core/profileFormat';
import { profileTitle } from '../core/profileTitle';
import type { CallGraphProfile } from './protocol';

/** "GET /users/7?page=2": the request as the Profiles panel names it, with the query. */
export function requestName(header: Pick<ProfileHeader, 'method' | 'path' | 'query'>): string {
  return `${header.method} ${header.path}${header.query ? `?${header.query}` : ''}`;
}

/** Shown above the graph and in exported files: "GET /slow  ·  200  ·  183 ms". */
export function callGraphTitle(header: ProfileHeader): string {
  const status = header.status === null ? (header.error ?? 'no response') : String(header.status);
  return `${requestName(header)}  ·  ${status}  ·  ${formatMs(header.wallMs)}`;
}

/** The editor tab: short, since tabs are narrow ("Call Graph: GET /slow", or the pstats file's name). */
export function callGraphPanelTitle(header: Pick<ProfileHeader, 'method' | 'path'>, file = ''): string {
  return `Call Graph: ${profileTitle(header, file)}`;
}

/** @param source the profile file's URI, kept by the page so a reload can reopen it. */
export function toCallGraphProfile(document: ProfileDocument, source: string): CallGraphProfile {
  return {
    id: document.header.id,
    title: callGraphTitle(document.header),
    data: document.profile,
    paths: document.paths,
    source,
  };
}
