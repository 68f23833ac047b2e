/**
 * "Compare with Endpoint Aggregate" (requestProfiler.compareWithAggregate): a request against
 * what its endpoint usually does. The endpoint's other profiled requests in the watched folders
 * are merged by the aggregate code ("Open Aggregate Profile"'s, src/host/aggregateCommand.ts),
 * WITHOUT the request itself (it would pull the usual towards itself), and the aggregate, as the
 * mean of its requests (src/core/aggregateMean.ts), is A; the request is B. The aggregate of the
 * same other requests is reused while its file is there: profile files are never rewritten, so
 * the same files make the same aggregate.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { aggregateSelection } from '../core/aggregateSelection';
import { aggregateEndpoint, perRequestMean, requestCount } from '../core/aggregateMean';
import type { ProfileDocument } from '../core/profileFormat';
import { groupByEndpoint, endpointKey, type EndpointGroup } from '../core/profileGroups';
import type { ReadableEntry } from '../core/profileIndex';
import { buildAggregate } from '../host/aggregateCommand';
import { listedProfiles } from '../host/endpointContext';
import type { Settings } from '../host/settings';
import { loadProfile } from '../node/loadProfile';
import type { ProfileLibrary } from '../node/profileLibrary';
import { readLimitsFor } from '../node/readLimits';
import type { ComparedFile, ComparePanels } from './comparePanel';
import { requestName } from './compareTitle';

export const TITLE = 'Compare with Endpoint Aggregate';

/** What the command did (the suite reads it). */
export interface CompareWithAggregateOutcome {
  /** The aggregate compared with (A is its per-request mean); undefined when nothing was compared. */
  aggregate?: vscode.Uri;
  /** The request compared (B). */
  request?: vscode.Uri;
  /** True when an aggregate of the same requests was reused rather than merged again. */
  reused?: boolean;
  /** How many requests the aggregate merged, and whether the request itself was left out of them. */
  requests?: number;
  requestLeftOut?: boolean;
  /** Why nothing was compared (also shown to the user). */
  message?: string;
}

/** The endpoint of a request: the group listing its file, else the first group of its key (a file outside the folders). */
function endpointOf(entries: readonly ReadableEntry[], file: string, document: ProfileDocument): EndpointGroup | undefined {
  const groups = groupByEndpoint(entries);
  const key = endpointKey(document.header);
  return groups.find((g) => g.entries.some((e) => e.file === file)) ?? groups.find((g) => g.key === key);
}

export class AggregateComparisons {
  /** The aggregate last written for a set of member files (their sorted paths, joined). */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly library: ProfileLibrary,
    private readonly aggregatesFolder: string,
    private readonly settings: () => Settings,
    private readonly panels: ComparePanels,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async compare(uri: vscode.Uri): Promise<CompareWithAggregateOutcome> {
    const refuse = (message: string, error = false): CompareWithAggregateOutcome => {
      void (error ? vscode.window.showErrorMessage(`${TITLE}: ${message}`) : vscode.window.showInformationMessage(`${TITLE}: ${message}`));
      return { message };
    };
    if (uri.scheme !== 'file') return refuse(`only files on disk can be compared (this one is ${uri.scheme}:).`, true);
    const limits = readLimitsFor(this.settings().maxProfileSizeMB);
    let request: ProfileDocument;
    try {
      request = (await loadProfile(uri.fsPath, limits)).document;
    } catch (error) {
      return refuse((error as Error).message, true);
    }
    const name = requestName(request.header);
    if (request.aggregate) return refuse(`${name} is an aggregate already; compare one of its requests.`);
    if (!request.header.profiled) return refuse(`${name} was served unprofiled: there is nothing to compare.`);
    const entries = listedProfiles(this.library);
    const group = endpointOf(entries, uri.fsPath, request);
    const endpoint = group?.key ?? endpointKey(request.header);
    const requestLeftOut = group?.entries.some((e) => e.file === uri.fsPath) ?? false;
    const allOthers = (group?.entries ?? []).filter((e) => e.file !== uri.fsPath);
    if (!allOthers.some((e) => e.header.profiled)) {
      return refuse(`${name} is the only profiled request to ${endpoint} in the watched folders: there is nothing usual to compare it with yet.`);
    }
    // Profiles of the other engine are left out: calls and samples neither merge nor compare.
    const engine = request.header.engine ?? 'cprofile';
    const others = allOthers.filter((e) => !e.header.profiled || (e.header.engine ?? 'cprofile') === engine);
    if (!others.some((e) => e.header.profiled)) {
      const profiler = engine === 'sample' ? 'sampled' : 'cProfile';
      return refuse(
        `${name} is the only ${profiler} request to ${endpoint}: the others were profiled by the other engine, and calls and samples do not compare.`,
      );
    }
    const selection = aggregateSelection([{ kind: 'endpoint', group: { ...group!, entries: others } }]);
    const key = [...selection.files].sort().join('\n');
    let aggregateFile = await this.fresh(key);
    let aggregate: ProfileDocument | undefined;
    if (aggregateFile) {
      try {
        aggregate = (await loadProfile(aggregateFile, limits)).document;
      } catch {
        aggregateFile = undefined; // Unreadable now: merged again below.
      }
    }
    const reused = aggregate !== undefined;
    if (!aggregateFile || !aggregate) {
      const built = await buildAggregate(selection, this.aggregatesFolder, this.settings(), TITLE, this.log);
      if (!built.file || !built.document) return { message: 'the aggregate was not made (see the message shown)' };
      aggregateFile = built.file;
      aggregate = built.document;
      this.written.set(key, aggregateFile);
    }
    const n = aggregate.aggregate?.requests ?? 0;
    const word = requestLeftOut ? `${n} other request${n === 1 ? '' : 's'}` : requestCount(n);
    const mean: ComparedFile = { uri: vscode.Uri.file(aggregateFile), document: perRequestMean(aggregate, word) };
    this.panels.show(mean, { uri, document: request });
    const leftOut = requestLeftOut ? `; ${name} itself is left out of it` : '';
    void vscode.window.setStatusBarMessage(`${TITLE}: A is the mean of ${word} to ${aggregateEndpoint(aggregate.header)}${leftOut}.`, 10_000);
    return { aggregate: mean.uri, request: uri, reused, requests: n, requestLeftOut };
  }

  /** The aggregate written for these files, if its file is still there. */
  private async fresh(key: string): Promise<string | undefined> {
    const file = this.written.get(key);
    if (!file) return undefined;
    try {
      await stat(file);
      return file;
    } catch {
      this.written.delete(key);
      return undefined;
    }
  }
}
