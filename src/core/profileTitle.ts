/**
 * What a profile is called wherever it is named (panel rows, the status bar, editor tabs): the
 * request, "GET /slow", rather than the file name `20261206T185854.123456-GET-slow-….rprof.json`.
 * A pstats file without a request in its name is known by its file name. Recorded text is shown
 * with control and bidi characters escaped (src/core/displayText.ts).
 */
import { aggregateDescription } from './aggregateMean';
import { visibleText } from './displayText';
import type { ProfileDocument, ProfileHeader } from './profileFormat';

/** The last part of a path, for either separator (file paths from any OS may be shown). */
export function fileNameOf(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}

/** "GET /users/7", or the file name when the profile names no request. */
export function profileTitle(header: Pick<ProfileHeader, 'method' | 'path'>, file: string): string {
  return header.method ? visibleText(`${header.method} ${header.path || '/'}`) : visibleText(fileNameOf(file));
}

/** An editor tab's title: the request, or for an aggregate what it merged ("Aggregate of 214 requests to GET /api/users/{id}"). */
export function documentTitle(document: Pick<ProfileDocument, 'header' | 'aggregate'>, file: string): string {
  const aggregate = aggregateDescription(document);
  return aggregate === undefined ? profileTitle(document.header, file) : visibleText(aggregate);
}
