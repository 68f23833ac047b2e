/**
 * The Profiles panel: requests newest first, grouped into bursts of activity (or by endpoint),
 * with unreadable files at the end. Reads only the ProfileLibrary's index: nothing here
 * touches the disk, so a refresh costs a sort and a filter.
 */
import * as vscode from 'vscode';
import { formatAge, formatBytes, formatClock, formatMs } from '../core/format';
import type { ProfileFilter } from '../core/profileFilter';
import { visibleText } from '../core/displayText';
import { answeredStatus, isFailure, isFilterActive, matchesFilter } from '../core/profileFilter';
import { fileNameOf, profileTitle } from '../core/profileTitle';
import { groupByEndpoint, groupIntoBursts, type Burst, type EndpointGroup } from '../core/profileGroups';
import { isReadable, type ProfileEntry, type ReadableEntry } from '../core/profileIndex';
import { headerProblems } from '../core/validateProfile';
import { slowerThanUsualText, type SlowerThanUsual } from '../core/slowerThanUsual';
import type { ProfileLibrary } from '../node/profileLibrary';
import { PROFILE_VIEW_TYPE } from '../contributions';
import { slowerThanUsualOf } from './endpointContext';
import type { Settings } from './settings';

export type GroupBy = 'time' | 'endpoint';

export type ProfilesTreeNode =
  | { kind: 'profile'; entry: ReadableEntry }
  | { kind: 'unreadable'; entry: ProfileEntry }
  | { kind: 'burst'; burst: Burst; expanded: boolean }
  | { kind: 'endpoint'; group: EndpointGroup };

/** The file a command was given: a Uri, or a profile row of the panel (its context menu and inline actions). */
export function profileUriOf(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  const node = target as ProfilesTreeNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'profile') return vscode.Uri.file(node.entry.file);
  return undefined;
}

/**
 * What clicking a profile row runs: VS Code's own `vscode.openWith`, not COMMAND.openProfile.
 * VS Code keeps an extension command's arguments in the extension host only while the row's
 * tree item lives, and a refresh of the list (every change in the folder) drops them at once,
 * while the old rows are still on screen: a click in that moment failed with "Actual command
 * not found, wanted to execute requestProfiler.openProfile /9". An API command's arguments
 * travel with the row, so the click works whatever the tree is doing.
 */
export function openProfileCommand(file: string): vscode.Command {
  return { command: 'vscode.openWith', title: 'Open Profile', arguments: [vscode.Uri.file(file), PROFILE_VIEW_TYPE] };
}

export class ProfilesTreeProvider implements vscode.TreeDataProvider<ProfilesTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ProfilesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private filterValue: ProfileFilter = {};
  private groupByValue: GroupBy = 'time';
  /**
   * The requests slower than usual for their endpoint, by file: taken on each refresh of the list
   * (getChildren of the top), against every listed request of the endpoint, filter or not, as
   * "Compare with Endpoint Aggregate" merges them (worked out once per change of the index).
   */
  private slower = new Map<string, SlowerThanUsual>();

  constructor(
    private readonly library: ProfileLibrary,
    private settings: Settings,
  ) {}

  dispose(): void {
    this.changeEmitter.dispose();
  }

  get filter(): ProfileFilter {
    return this.filterValue;
  }

  set filter(filter: ProfileFilter) {
    this.filterValue = filter;
    this.refresh();
  }

  get groupBy(): GroupBy {
    return this.groupByValue;
  }

  set groupBy(groupBy: GroupBy) {
    this.groupByValue = groupBy;
    this.refresh();
  }

  updateSettings(settings: Settings): void {
    this.settings = settings;
    this.refresh();
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** The readable profiles the panel shows (filtered, limited), newest first. */
  visibleProfiles(): ReadableEntry[] {
    const readable: ReadableEntry[] = [];
    const active = isFilterActive(this.filterValue);
    for (const entry of this.library.index.list()) {
      if (!isReadable(entry)) break; // unreadable files are sorted last
      if (active && !matchesFilter(entry.header, this.filterValue)) continue;
      readable.push(entry);
      if (readable.length >= this.settings.maxProfiles) break;
    }
    return readable;
  }

  /** How many readable profiles there are, filtered or not. */
  readableCount(): number {
    let count = 0;
    for (const entry of this.library.index.list()) if (isReadable(entry)) count++;
    return count;
  }

  private unreadable(): ProfileEntry[] {
    return this.library.index.list().filter((entry) => !isReadable(entry));
  }

  getChildren(node?: ProfilesTreeNode): ProfilesTreeNode[] {
    if (node?.kind === 'burst') return node.burst.entries.map((entry) => ({ kind: 'profile', entry }));
    if (node?.kind === 'endpoint') return node.group.entries.map((entry) => ({ kind: 'profile', entry }));
    if (node) return [];
    this.slower = slowerThanUsualOf(this.library);
    const profiles = this.visibleProfiles();
    const broken: ProfilesTreeNode[] = this.unreadable().map((entry) => ({ kind: 'unreadable', entry }));
    if (this.groupByValue === 'endpoint') {
      return [...groupByEndpoint(profiles).map((group): ProfilesTreeNode => ({ kind: 'endpoint', group })), ...broken];
    }
    const bursts = groupIntoBursts(profiles, this.settings.burstGapSeconds);
    // A single burst adds a level without telling anything: list its requests directly.
    const top: ProfilesTreeNode[] =
      bursts.length === 1
        ? bursts[0].entries.map((entry) => ({ kind: 'profile', entry }))
        : bursts.map((burst, i) => ({ kind: 'burst', burst, expanded: i === 0 }));
    return [...top, ...broken];
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(node: ProfilesTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'profile':
        return this.profileItem(node.entry);
      case 'unreadable':
        return unreadableItem(node.entry);
      case 'burst':
        return burstItem(node.burst, node.expanded);
      case 'endpoint':
        return endpointItem(node.group);
    }
  }

  /** Tooltips are built only when the user hovers a row. */
  resolveTreeItem(item: vscode.TreeItem, node: ProfilesTreeNode): vscode.TreeItem {
    if (node.kind === 'profile') item.tooltip = profileTooltip(node.entry, this.slower.get(node.entry.file));
    return item;
  }

  private profileItem(entry: ReadableEntry): vscode.TreeItem {
    const header = entry.header;
    const item = new vscode.TreeItem(profileLabel(entry), vscode.TreeItemCollapsibleState.None);
    item.id = `profile:${entry.file}`;
    const status = entry.format === 'pstats' ? 'pstats' : statusText(header);
    const duration = header.profiled ? formatMs(header.wallMs) : `${formatMs(header.wallMs)}, not profiled`;
    const slower = this.slower.get(entry.file);
    const usual = slower ? ` · ${slower.ratio.toFixed(1)}× usual` : '';
    item.description = `${status} · ${duration}${usual} · ${formatAge(header.start, Date.now())}`;
    item.resourceUri = vscode.Uri.file(entry.file);
    item.iconPath = profileIcon(entry, this.settings.slowRequestMs, slower !== undefined);
    item.contextValue = 'profile';
    item.command = openProfileCommand(entry.file);
    item.accessibilityInformation = {
      label: `${profileLabel(entry)}, ${entry.format === 'pstats' ? 'pstats file' : `status ${status}`}, ${formatMs(header.wallMs)}${slower ? `, slower than usual: ${slowerThanUsualText(slower)}` : ''}, ${formatAge(header.start, Date.now())}`,
    };
    return item;
  }
}

/** "GET /users/7"; a pstats file without a Werkzeug name is known by its file name. */
export function profileLabel(entry: ReadableEntry): string {
  return profileTitle(entry.header, entry.file);
}

/** "404", "500 (ZeroDivisionError)" for a request whose app raised (the server answered 500), "—" when unknown. */
function statusText(header: ReadableEntry['header']): string {
  const status = answeredStatus(header);
  const error = header.error ? ` (${visibleText(header.error)})` : '';
  return `${status ?? '—'}${error}${header.clientDisconnected ? ', client hung up' : ''}`;
}

/** The row's icon: failures and warnings first; then slow (the setting's threshold) or slower than usual for its endpoint. */
export function profileIcon(entry: ReadableEntry, slowRequestMs: number, slowerThanUsual = false): vscode.ThemeIcon {
  const header = entry.header;
  if (!header.profiled) return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  if (isFailure(header)) return new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red'));
  if ((answeredStatus(header) ?? 0) >= 400) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
  // The app answered, but the client did not take the whole response: not a normal request.
  if (header.clientDisconnected) return new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('charts.yellow'));
  if (header.wallMs >= slowRequestMs) return new vscode.ThemeIcon('flame', new vscode.ThemeColor('charts.orange'));
  if (slowerThanUsual) return new vscode.ThemeIcon('arrow-circle-up', new vscode.ThemeColor('charts.orange'));
  return new vscode.ThemeIcon('pulse', new vscode.ThemeColor('charts.green'));
}

function unreadableItem(entry: ProfileEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(visibleText(fileNameOf(entry.file)), vscode.TreeItemCollapsibleState.None);
  item.id = `unreadable:${entry.file}`;
  item.description = 'unreadable';
  item.tooltip = new vscode.MarkdownString().appendText(visibleText(`${entry.file}\n\n${entry.error ?? 'Unreadable'}`).replace(/⟨U\+000A⟩/g, '\n'));
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.resourceUri = vscode.Uri.file(entry.file);
  item.contextValue = 'unreadableProfile';
  return item;
}

function burstItem(burst: Burst, expanded: boolean): vscode.TreeItem {
  const count = burst.entries.length;
  const item = new vscode.TreeItem(
    formatClock(burst.lastStart),
    expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = burst.id;
  const span = burst.lastStart - burst.firstStart;
  item.description = `${count} request${count === 1 ? '' : 's'}${count > 1 ? ` in ${formatMs(span * 1000)}` : ''} · max ${formatMs(burst.maxWallMs)} · ${formatAge(burst.lastStart, Date.now())}`;
  item.tooltip = `A burst of requests from ${formatClock(burst.firstStart)} to ${formatClock(burst.lastStart)}`;
  item.iconPath = new vscode.ThemeIcon('history');
  item.contextValue = 'burst';
  return item;
}

function endpointItem(group: EndpointGroup): vscode.TreeItem {
  const name = visibleText(group.key);
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `endpoint:${group.id}`;
  const { count, medianMs, p95Ms, maxMs, errorCount } = group.stats;
  const errors = `${errorCount} error${errorCount === 1 ? '' : 's'}`;
  item.description = `${count}× · median ${formatMs(medianMs)} · p95 ${formatMs(p95Ms)} · max ${formatMs(maxMs)} · ${errors}`;
  const route = group.route;
  const source = route
    ? `${visibleText(route.framework)} route${route.name === null ? '' : ` ${visibleText(route.name)}`}`
    : 'grouped by path, ids folded (these profiles record no route)';
  item.tooltip = `${name}\n${source}\n${count} request${count === 1 ? '' : 's'}, ${errors} (raised or 5xx)\nmedian ${formatMs(medianMs)}, p95 ${formatMs(p95Ms)}, max ${formatMs(maxMs)}`;
  item.iconPath = new vscode.ThemeIcon(route ? 'symbol-method' : 'symbol-namespace');
  item.contextValue = 'endpoint';
  return item;
}

/** A Markdown table cell showing recorded text as it is: control and bidi characters escaped, Markdown inert. */
function escapeCell(value: unknown): string {
  return visibleText(String(value))
    .replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`)
    .replace(/\n/g, ' ');
}

function statusRow(h: ReadableEntry['header']): string {
  if (h.status === null) return h.error ? `500 (the app raised ${h.error}; the server answers 500)` : 'no response';
  return `${h.status}${h.error ? ` (then the app raised ${h.error})` : ''}`;
}

function pstatsTooltip(entry: ReadableEntry): vscode.MarkdownString {
  const h = entry.header;
  const rows: [string, string][] = [
    ['Time', `${new Date(h.start * 1000).toLocaleString()} (from the file)`],
    ['Duration', h.method ? `${formatMs(h.wallMs)} (from the Werkzeug file name)` : 'not recorded'],
    ['File', entry.file],
    ['Format', 'pstats (cProfile): the request, response and CPU time are not recorded'],
  ];
  const markdown = new vscode.MarkdownString(`**${escapeCell(profileLabel(entry))}**\n\n| | |\n|---|---|\n`);
  markdown.appendMarkdown(rows.map(([k, v]) => `| ${escapeCell(k)} | ${escapeCell(v)} |`).join('\n'));
  return markdown;
}

function profileTooltip(entry: ReadableEntry, slower?: SlowerThanUsual): vscode.MarkdownString {
  if (entry.format === 'pstats') return pstatsTooltip(entry);
  const h = entry.header;
  const rows: [string, string][] = [
    ['Time', new Date(h.start * 1000).toLocaleString()],
    ['Duration', `${formatMs(h.wallMs)} wall, ${formatMs(h.cpuMs)} CPU${h.interface === 'asgi' ? ' (ASGI: awaits are not in profiled time)' : ''}`],
    ['Status', statusRow(h)],
    ['Content-Type', h.contentType ?? '—'],
    ['Content-Length', h.contentLength === null ? '—' : formatBytes(h.contentLength)],
    ['Bytes sent', formatBytes(h.bytesSent)],
    ['Query string', h.query || '—'],
    ['Process / thread', `${h.pid} / ${h.threadName} (${h.threadId})`],
    ['Functions', `${h.functionCount}`],
    ['File', entry.file],
  ];
  if (!h.profiled) rows.splice(1, 0, ['Not profiled', h.skipReason ?? 'skipped']);
  if (slower) rows.splice(2, 0, ['Slower than usual', `${slowerThanUsualText(slower)}: Compare with Endpoint Aggregate (context menu) shows where`]);
  if (h.clientDisconnected) rows.splice(3, 0, ['Client', 'hung up before the whole response was sent (the Request tab says when)']);
  // Header fields of the wrong type were ignored by the reader (src/core/validateProfile.ts): say which.
  for (const problem of headerProblems(h)) rows.push(['Ignored', problem]);
  const markdown = new vscode.MarkdownString(`**${escapeCell(profileLabel(entry))}**\n\n| | |\n|---|---|\n`);
  markdown.appendMarkdown(rows.map(([k, v]) => `| ${escapeCell(k)} | ${escapeCell(v)} |`).join('\n'));
  markdown.supportHtml = false;
  return markdown;
}
