/**
 * The profile view page: header, toolbar (search, library folding, threshold, hot path) and
 * the four tabs. It builds the model from the document the host sends and keeps its state
 * with the webview API's getState/setState, so a hidden or reloaded view comes back as it
 * was. It talks with the host over the views' channel (src/core/webviewChannel.ts), in the
 * protocol of src/profileView/protocol.ts.
 */
import { CallTree, DEFAULT_CALL_TREE_OPTIONS } from '../../src/core/callTree';
import { flameFromCallTree } from '../../src/core/flameFromCallTree';
import { sharedFlameFromStacks, type FlameGraph } from '../../src/core/flameGraph';
import { sandwichFromPairs, sandwichFromStacks, type Sandwich } from '../../src/core/sandwich';
import { stacksTime } from '../../src/core/sampledFunctions';
import { applyDefinitionLines } from '../../src/core/definitionLine';
import { isSampled, type ProfileDocument } from '../../src/core/profileFormat';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import { searchFunctions, type SearchMatch, type SearchResult } from '../../src/core/search';
import { PageChannel, type ChannelHandlers } from '../../src/core/webviewChannel';
import {
  VIEW_TABS,
  type EndpointContext,
  type ProfilePayload,
  type ProfileViewProtocol,
  type ViewCommand,
  type ViewDefaults,
  type ViewState,
  type ViewTab,
} from '../../src/profileView/protocol';
import { CallersTab } from './callersTab';
import { codicon, custom, element, iconButton } from './dom';
import { DEFAULT_FUNCTIONS_SORT, FunctionsTab, type FunctionsSort } from './functionsTab';
import { renderHeader, replaceEndpointActions, type HeaderActions } from './header';
import { renderRequestTab } from './requestTab';
import { TreeTab } from './treeTab';
import { DEFAULT_FLAME_SETTINGS, FlameTab, isFlameSettings, type FlameSettings } from './flameTab';
import { SandwichTab } from './sandwichTab';
import { pageError, reportUncaughtErrors, type PageError } from '../shared/pageErrors';
import { pageTransport } from '../shared/pageTransport';
import type { WebviewApi } from '../shared/vscodeApi';

/** What survives hiding the tab and reloading the window. */
interface SavedState extends LegacySavedState {
  profileId: string;
  tab: ViewTab;
  /** The call tree's expanded nodes (expansionState.ts). States saved before it have `expanded`, a list of path ids. */
  expansion: number[];
  /** The selected node's path of function indices (before: `selectedId`, the path as an id). */
  selectedPath: number[] | null;
  search: string;
  hideLibraryFrames: boolean;
  threshold: number;
  functionsSort: FunctionsSort;
  callersFunction: number | null;
  callersExpanded: string[];
  /** The Flame tab's orientation and colouring (absent in states saved before it). */
  flame?: FlameSettings;
  /** The Sandwich tab's function (absent in states saved before it). */
  sandwichFunction?: number | null;
}

/** What states saved by earlier versions have instead of expansion and selectedPath. */
interface LegacySavedState {
  expanded?: string[];
  selectedId?: string | null;
}

function isSavedStateOf(value: unknown, profileId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { profileId?: unknown }).profileId === profileId;
}

const TAB_LABELS: Record<ViewTab, string> = {
  tree: 'Call tree',
  flame: 'Flame',
  functions: 'Functions',
  callers: 'Callers',
  sandwich: 'Sandwich',
  request: 'Request',
};
const SEARCH_DEBOUNCE_MS = 150;
/** How long after a change the state is saved and reported (see changed()). */
const STATE_DELAY_MS = 30;

interface TextField extends HTMLElement {
  value: string;
}
interface Checkbox extends HTMLElement {
  checked: boolean;
}
interface Tabs extends HTMLElement {
  selectedIndex: number;
}

export class ProfileViewApp {
  private readonly root: HTMLElement;
  private document?: ProfileDocument;
  private model?: ProfileModel;
  private tree?: TreeTab;
  private functions?: FunctionsTab;
  private callers?: CallersTab;
  private flame?: FlameTab;
  private sandwich?: SandwichTab;
  /** The selected function the Sandwich tab last followed (re-centring inside it is not undone by showing the tab again). */
  private sandwichFollowed: number | null = null;
  private tabs?: Tabs;
  private tab: ViewTab = 'tree';
  private hideLibraryFrames = true;
  private threshold = DEFAULT_CALL_TREE_OPTIONS.threshold;
  private searchText = '';
  private search: SearchResult | null = null;
  private searchPosition = 0;
  private selectedFunction: number | null = null;
  private firstPaintMs = 0;
  private reportTimer?: ReturnType<typeof setTimeout>;
  private searchTimer?: ReturnType<typeof setTimeout>;
  private searchStatus?: HTMLElement;
  private definitionLines: unknown;
  /** The request among its endpoint's, from the host (absent for an aggregate or an unlisted file). */
  private endpoint: EndpointContext | undefined;
  /** The drawn header, whose endpoint part the host's `endpoint` note replaces. */
  private header: HTMLElement | undefined;
  /**
   * A function to reveal that came before the profile: "Show in Call Tree" on a view whose page
   * loads (again, after its tab was hidden) gets here before `show`.
   */
  private revealWhenShown: number | undefined;
  private readonly channel: PageChannel<ProfileViewProtocol>;

  constructor(private readonly api: WebviewApi<unknown>) {
    this.root = document.getElementById('app') ?? document.body;
    reportUncaughtErrors(window, 'The profile view failed', (error) => this.reportError(error));
    // A save still waiting for its moment (changed()) is made at once when the page goes away:
    // a hidden tab's page is torn down, and a reload must find the latest state.
    window.addEventListener('pagehide', () => this.flushState());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.flushState();
    });
    // Made last: the channel says the page is ready (on every load), and the host answers with `show`.
    this.channel = new PageChannel<ProfileViewProtocol>(pageTransport(api, window), this.hostHandlers(), {
      report: (problem) => this.reportError({ message: `The profile view failed: ${problem.split('\n')[0]}`, detail: problem }),
    });
  }

  /** What the page does with each note of the host. */
  private hostHandlers() {
    return {
      notes: {
        show: (show) => {
          this.definitionLines = show.definitionLines;
          this.endpoint = show.endpoint;
          this.receiveProfile(show.profile, show.fileName, show.defaults, show.savedState);
        },
        endpoint: ({ endpoint }) => this.showEndpoint(endpoint),
        definitionLines: ({ lines }) => this.showDefinitionLines(lines),
        failed: ({ fileName, message }) => this.showFailure(fileName, message),
        revealFunction: ({ function: fn }) => this.revealFunction(fn),
        command: ({ command }) => this.runCommand(command),
      },
      asks: {},
    } satisfies ChannelHandlers<ProfileViewProtocol['host']>;
  }

  /** What the header offers for the request's endpoint, as the host last said. */
  private endpointActions(): HeaderActions {
    const endpoint = this.endpoint;
    return endpoint ? { slower: endpoint.slower, compareWithAggregate: () => this.channel.note('compareWithAggregate', {}) } : {};
  }

  /** The host's word on the endpoint changed (profiles arrived): the header's hint follows. */
  private showEndpoint(endpoint: EndpointContext | undefined): void {
    this.endpoint = endpoint;
    if (this.header) replaceEndpointActions(this.header, this.endpointActions());
  }

  private runCommand(command: ViewCommand): void {
    if (command === 'expandHotPathFromSelection') this.tree?.expandHotPathFromSelection();
    if (command === 'focusTree') {
      this.selectTab('tree');
      this.tree?.focus();
    }
  }

  /** Parses the file's bytes here (the host only checked its first line), then shows it. */
  private receiveProfile(payload: ProfilePayload, fileName: string, defaults: ViewDefaults, hostSaved: unknown): void {
    const started = performance.now();
    let doc: ProfileDocument;
    try {
      doc = 'bytes' in payload ? parseProfileDocument(new TextDecoder('utf-8').decode(payload.bytes)) : payload.document;
    } catch (error) {
      this.showFailure(fileName, (error as Error).message);
      this.channel.note('error', pageError(`${fileName} cannot be shown`, error));
      return;
    }
    this.show(doc, fileName, defaults, hostSaved, started);
  }

  private show(doc: ProfileDocument, fileName: string, defaults: ViewDefaults, hostSaved: unknown, started: number): void {
    let model: ProfileModel;
    try {
      model = buildProfileModel(doc.profile, doc.paths);
    } catch (error) {
      this.showFailure(fileName, `The profile's call data is inconsistent: ${(error as Error).message}`);
      this.channel.note('error', pageError(`${fileName} cannot be shown: the profile's call data is inconsistent`, error));
      return;
    }
    // Decorated functions: the location column shows the `def` line that go-to-source opens.
    applyDefinitionLines(model.functions, this.definitionLines);
    // The model holds its own copy of the call data: keep the document without it (the
    // parsed file's 100,000 edge arrays and their numbers would otherwise stay alive beside
    // the model's, and every major garbage collection of the page walks them). No closure
    // made here may use `doc` for the same reason: they would all keep it (V8 gives the
    // closures of one function call a shared context).
    this.document = { ...doc, profile: { ...doc.profile, functions: [], edges: [] } };
    this.model = model;
    const profileId = doc.header.id;
    // The webview's own state first (hidden and shown again); the host's copy after a reload.
    const saved = [this.api.getState(), hostSaved].find((s): s is Partial<SavedState> => isSavedStateOf(s, profileId));
    this.tab = saved?.tab && VIEW_TABS.includes(saved.tab) ? saved.tab : 'tree';
    this.hideLibraryFrames = saved?.hideLibraryFrames ?? defaults.hideLibraryFrames;
    this.threshold = typeof saved?.threshold === 'number' ? saved.threshold : DEFAULT_CALL_TREE_OPTIONS.threshold;
    this.searchText = saved?.search ?? '';
    this.selectedFunction = saved?.callersFunction ?? null;

    const changed = () => this.changed();
    const openSource = (fn: number) => this.openSource(fn);
    const profile = doc.profile;
    const sampled = isSampled(profile) ? { stacks: profile.stacks, sampling: profile.sampling } : undefined;
    this.tree = new TreeTab(model, { openSource, changed: () => this.onTreeChange() }, sampled);
    this.functions = new FunctionsTab(
      model,
      saved?.functionsSort ?? DEFAULT_FUNCTIONS_SORT,
      {
        openSource,
        selectFunction: (fn) => {
          this.selectedFunction = fn;
          changed();
        },
        changed,
      },
      sampled,
    );
    this.callers = new CallersTab(model, { openSource, changed }, sampled);
    this.flame = new FlameTab(model, flameSource(doc, model), this.hideLibraryFrames, isFlameSettings(saved?.flame) ? saved.flame : DEFAULT_FLAME_SETTINGS, {
      openSource,
      showInTree: (path) => this.showPathInTree(path),
      showSandwich: (fn) => this.showSandwich(fn),
      selectFunction: (fn) => {
        this.selectedFunction = fn;
      },
      changed,
    });
    this.sandwich = new SandwichTab(
      model,
      sandwichSource(doc, model),
      this.hideLibraryFrames,
      sampled ? stacksTime(sampled.stacks) : model.totalTime,
      !!sampled,
      {
        openSource,
        showInTree: (path, fn) => {
          if (!this.showPathInTree(path)) this.revealFunction(fn);
        },
        changed,
      },
    );

    this.header = renderHeader(doc, fileName, this.endpointActions());
    this.root.replaceChildren(this.header, this.renderToolbar(), this.renderTabs(doc));
    this.root.removeAttribute('aria-busy');
    this.tree.build(
      this.hideLibraryFrames,
      this.threshold,
      saved ? { expansion: saved.expansion, selectedPath: saved.selectedPath, expanded: saved.expanded, selectedId: saved.selectedId } : undefined,
    );
    if (this.selectedFunction === null) this.selectedFunction = this.tree.selectedNode?.kind === 'function' ? this.tree.selectedNode.fn : null;
    if (saved?.callersFunction !== undefined && saved.callersFunction !== null) this.callers.showFunction(saved.callersFunction, saved.callersExpanded);
    if (typeof saved?.sandwichFunction === 'number') {
      this.sandwich.restoreFunction(saved.sandwichFunction);
      this.sandwichFollowed = this.selectedFunction;
    }
    if (this.searchText) this.runSearch(false);
    this.selectTab(this.tab);
    this.firstPaintMs = performance.now() - started;
    if (this.tab === 'tree') this.tree.focus();
    const reveal = this.revealWhenShown;
    this.revealWhenShown = undefined;
    if (reveal !== undefined) this.revealFunction(reveal);
    this.changed();
  }

  /** `def` lines that came after the profile: the locations are drawn again; expansion, selection and scroll stay. */
  private showDefinitionLines(lines: unknown): void {
    if (!this.model) {
      this.definitionLines = lines;
      return;
    }
    if (!applyDefinitionLines(this.model.functions, lines)) return;
    this.tree?.redrawLocations();
    this.functions?.redrawLocations(this.model);
    this.callers?.redrawLocations();
    this.sandwich?.redrawLocations();
    this.changed();
  }

  private renderToolbar(): HTMLElement {
    const search = custom<TextField>('vscode-textfield', { type: 'search', placeholder: 'Find function', 'aria-label': 'Find function', class: 'search' });
    search.value = this.searchText;
    search.addEventListener('input', () => {
      this.searchText = search.value;
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.runSearch(true), SEARCH_DEBOUNCE_MS);
    });
    search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        clearTimeout(this.searchTimer);
        if (this.searchText !== search.value || !this.search) {
          this.searchText = search.value;
          this.runSearch(true);
        } else {
          this.nextMatch(event.shiftKey ? -1 : 1);
        }
      } else if (event.key === 'Escape') {
        search.value = '';
        this.searchText = '';
        this.runSearch(false);
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.focusTab();
      }
    });
    this.searchStatus = element('span', { class: 'search-status muted', 'aria-live': 'polite' });
    const button = (icon: string, title: string, action: () => void) => {
      const b = iconButton(icon, { secondary: '', title, 'aria-label': title });
      b.addEventListener('click', action);
      return b;
    };
    const libraries = custom<Checkbox>('vscode-checkbox', {
      label: 'Hide library frames',
      title: 'Fold standard-library, site-packages and built-in frames into their callers',
    });
    libraries.checked = this.hideLibraryFrames;
    libraries.addEventListener('change', () => {
      this.hideLibraryFrames = libraries.checked;
      this.rebuildTree();
    });
    const threshold = custom<TextField>('vscode-textfield', {
      type: 'number',
      min: '0',
      max: '50',
      step: '0.1',
      class: 'threshold',
      'aria-label': 'Fold siblings under this percent of the request into "other"',
      title: 'Siblings under this percent of the request are folded into "other" (0: never)',
    });
    threshold.value = String(Math.round(this.threshold * 1000) / 10);
    threshold.addEventListener('change', () => {
      const percent = Number(threshold.value);
      if (!Number.isFinite(percent) || percent < 0) return;
      this.threshold = Math.min(50, percent) / 100;
      this.rebuildTree();
    });
    return element(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Profile tools' },
      element(
        'span',
        { class: 'group' },
        search,
        this.searchStatus,
        button('arrow-up', 'Previous match (Shift+Enter)', () => this.nextMatch(-1)),
        button('arrow-down', 'Next match (Enter)', () => this.nextMatch(1)),
      ),
      element('span', { class: 'group' }, libraries),
      element('label', { class: 'group' }, 'Fold under', threshold, '%'),
      button('flame', 'Expand the hot path from the selected node (H)', () => {
        this.selectTab('tree');
        this.tree?.expandHotPathFromSelection();
        this.tree?.focus();
      }),
    );
  }

  private renderTabs(doc: ProfileDocument): HTMLElement {
    const tabs = custom<Tabs>('vscode-tabs', { class: 'tabs' });
    const bodies: Record<ViewTab, HTMLElement> = {
      tree: this.tree!.element,
      functions: this.functions!.element,
      callers: this.callers!.element,
      flame: this.flame!.element,
      sandwich: this.sandwich!.element,
      request: renderRequestTab(doc),
    };
    // An aggregate's Request tab tells what was merged (requestTab.ts). A flag, not `doc`, in the
    // closure: the tabs' listener below would keep the whole document alive (see show()).
    const aggregate = doc.aggregate !== undefined;
    const label = (tab: ViewTab) => (tab === 'request' && aggregate ? 'Aggregate' : TAB_LABELS[tab]);
    for (const tab of VIEW_TABS) tabs.append(custom('vscode-tab-header', { slot: 'header', id: `tab-${tab}` }, label(tab)));
    for (const tab of VIEW_TABS) tabs.append(custom('vscode-tab-panel', { 'data-tab': tab }, bodies[tab]));
    // S on a function anywhere (a row of the tree, Functions or Callers; the Flame and Sandwich tabs handle theirs) opens its sandwich.
    tabs.addEventListener('keydown', (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || (event.key !== 's' && event.key !== 'S')) return;
      const fn = this.functionSelectedIn(this.tab);
      if (fn === null) return;
      event.preventDefault();
      this.showSandwich(fn);
    });
    tabs.addEventListener('vsc-tabs-select', (event) => {
      const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.onTabShown(VIEW_TABS[index] ?? 'tree');
    });
    this.tabs = tabs;
    return tabs;
  }

  private selectTab(tab: ViewTab): void {
    if (this.tabs) this.tabs.selectedIndex = VIEW_TABS.indexOf(tab);
    this.onTabShown(tab);
  }

  private onTabShown(tab: ViewTab): void {
    this.tab = tab;
    if (tab === 'functions') this.functions?.show();
    if (tab === 'flame') this.flame?.show();
    if (tab === 'callers' && this.callers && this.callers.function !== this.selectedFunction) this.callers.showFunction(this.selectedFunction);
    if (tab === 'sandwich' && this.sandwich) {
      if (this.selectedFunction !== this.sandwichFollowed || this.sandwich.function === null) this.sandwich.showFunction(this.selectedFunction);
      this.sandwichFollowed = this.selectedFunction;
      this.sandwich.show();
    }
    this.changed();
  }

  /** The function selected in a tab's list, for S; null where none is (or the tab handles S itself). */
  private functionSelectedIn(tab: ViewTab): number | null {
    if (tab === 'tree') {
      const node = this.tree?.selectedNode;
      return node?.kind === 'function' ? node.fn : null;
    }
    if (tab === 'functions') return this.functions?.selectedFunction ?? null;
    if (tab === 'callers') return this.callers?.selectedFunction ?? null;
    return null;
  }

  /** The Sandwich tab on fn, with the keys on its graph. */
  private showSandwich(fn: number): void {
    if (!this.sandwich) return;
    this.selectedFunction = fn;
    this.sandwich.showFunction(fn);
    this.selectTab('sandwich');
    // As for the call tree (showPathInTree): the panel is shown by the tabs element's next update.
    requestAnimationFrame(() => {
      if (this.tab === 'sandwich') this.sandwich?.focusGraph();
    });
  }

  private focusTab(): void {
    if (this.tab === 'tree') this.tree?.focus();
    else if (this.tab === 'functions') this.functions?.focus();
    else if (this.tab === 'callers') this.callers?.focus();
    else if (this.tab === 'flame') this.flame?.focusGraph();
    else if (this.tab === 'sandwich') this.sandwich?.focusGraph();
  }

  private onTreeChange(): void {
    const node = this.tree?.selectedNode;
    if (node?.kind === 'function') this.selectedFunction = node.fn;
    this.changed();
  }

  private rebuildTree(): void {
    if (!this.tree) return;
    this.tree.build(this.hideLibraryFrames, this.threshold);
    this.flame?.setFoldLibraries(this.hideLibraryFrames);
    this.sandwich?.setFoldLibraries(this.hideLibraryFrames);
    if (this.searchText) this.runSearch(true);
    this.changed();
  }

  private runSearch(reveal: boolean): void {
    if (!this.model || !this.tree || !this.functions) return;
    const query = this.searchText.trim();
    this.search = query ? searchFunctions(this.model, query, { foldLibraries: this.hideLibraryFrames }) : null;
    this.searchPosition = 0;
    this.tree.setMatches(this.search?.functions ?? new Set());
    this.functions.setFilter(this.search ? this.search.functions : null);
    this.flame?.setMatches(this.search ? this.search.functions : null);
    const first = this.search?.matches[0];
    if (reveal && first) this.revealMatch(first);
    this.updateSearchStatus();
    this.changed();
  }

  private nextMatch(step: number): void {
    if (!this.search || !this.search.matches.length || !this.tree) return;
    const count = this.search.matches.length;
    this.searchPosition = (this.searchPosition + step + count) % count;
    const match = this.search.matches[this.searchPosition];
    if (match.reachable) {
      this.selectTab('tree');
      this.revealMatch(match);
    }
    this.updateSearchStatus();
  }

  /** Reveals a search match's node; its path is worked out only now (it can be very long). */
  private revealMatch(match: SearchMatch): void {
    if (!this.model || !this.tree) return;
    const path = this.tree.pathToReveal(match.fn);
    if (path) this.tree.revealPath(path);
  }

  private updateSearchStatus(): void {
    if (!this.searchStatus) return;
    if (!this.search) this.searchStatus.textContent = '';
    else if (!this.search.total) this.searchStatus.textContent = 'No match';
    else {
      const match = this.search.matches[this.searchPosition];
      const folded = match?.folded ? ' (inside a hidden library frame)' : '';
      this.searchStatus.textContent = `${this.searchPosition + 1} of ${this.search.total}${folded}`;
    }
  }

  /** Reveals a function's costliest node; asked before the profile is drawn, once it is. */
  private revealFunction(fn: number): void {
    if (!this.model || !this.tree) {
      this.revealWhenShown = fn;
      return;
    }
    if (!this.model.functions[fn]) return;
    const path = this.tree.pathToReveal(fn);
    if (!path) return;
    this.selectTab('tree');
    this.tree.revealPath(path);
    this.tree.focus();
  }

  /** Show in Call Tree from a flame graph: the frame's path, as the tree has it; false when the tree has no such path. */
  private showPathInTree(path: number[]): boolean {
    if (!this.tree) return false;
    this.selectTab('tree');
    const found = this.tree.revealPath(path);
    // The tree's panel is shown by the tabs element's next update: focusing it now, while it is
    // still hidden, left the keys on the page's body (Enter did not open the revealed node).
    requestAnimationFrame(() => {
      if (this.tab === 'tree') this.tree?.focus();
    });
    return found;
  }

  private openSource(fn: number): void {
    if (!this.model?.functions[fn]) return;
    // By index alone: the host takes the file and line from its own copy of the profile.
    this.channel.note('openFunction', { function: fn });
  }

  /** An error nothing caught: said above the view (which may still work) and to the host. */
  private reportError(error: PageError): void {
    const banner = element('div', { class: 'page-error', role: 'alert' }, codicon('error'), ` ${error.message}`);
    document.body.querySelector(':scope > .page-error')?.remove();
    document.body.prepend(banner);
    this.channel.note('error', error);
  }

  private showFailure(fileName: string, message: string): void {
    const open = iconButton('go-to-file', { class: 'open-raw' }, 'Open the raw file');
    open.addEventListener('click', () => this.channel.note('openRaw', {}));
    this.root.replaceChildren(
      element(
        'div',
        { class: 'failure', role: 'alert' },
        element('h1', {}, codicon('warning'), ' This profile cannot be shown'),
        element('p', { class: 'file' }, fileName),
        element('p', {}, message),
        open,
      ),
    );
    this.root.removeAttribute('aria-busy');
  }

  /**
   * Save the state and tell the host a moment later: one save and one message per burst of key
   * presses, and none inside the first paint or an expand (saving a 100,000-deep chain's
   * expansion was a good part of its first paint: docs/measurements.md).
   */
  private changed(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => this.saveAndReport(), STATE_DELAY_MS);
  }

  private flushState(): void {
    if (this.reportTimer === undefined) return;
    clearTimeout(this.reportTimer);
    this.saveAndReport();
  }

  private saveAndReport(): void {
    this.reportTimer = undefined;
    const state = this.viewState();
    if (!state) return;
    const saved: SavedState = {
      profileId: state.profileId,
      tab: state.tab,
      expansion: this.tree?.savedExpansion ?? [],
      selectedPath: this.tree?.selectedPath ?? null,
      search: state.search,
      hideLibraryFrames: state.hideLibraryFrames,
      threshold: state.threshold,
      functionsSort: this.functions?.sorting ?? DEFAULT_FUNCTIONS_SORT,
      callersFunction: this.callers?.function ?? null,
      callersExpanded: this.callers?.expandedIds ?? [],
      flame: this.flame?.currentSettings() ?? DEFAULT_FLAME_SETTINGS,
      sandwichFunction: this.sandwich?.function ?? null,
    };
    this.api.setState(saved);
    this.channel.note('viewState', { state });
    this.channel.note('saveState', { state: saved });
  }

  private viewState(): ViewState | undefined {
    if (!this.document || !this.tree) return undefined;
    const selected = this.tree.selectedNode;
    return {
      profileId: this.document.header.id,
      tab: this.tab,
      expanded: this.tree.expandedIds,
      hotPath: this.tree.hotPathIds,
      selectedId: selected?.id ?? null,
      selectedFunction: this.selectedFunction,
      search: this.searchText,
      searchMatches: this.search?.total ?? 0,
      hideLibraryFrames: this.hideLibraryFrames,
      threshold: this.threshold,
      rowCount: this.tree.rowCount,
      renderedRows: this.tree.renderedRows,
      firstPaintMs: this.firstPaintMs,
      selectedLocation: this.tree.selectedLocation,
    };
  }
}

/**
 * What the Flame tab draws: a sampled profile's own stacks (exact), else the call tree's paths
 * (estimated where a function has several callers). Library folding as the toolbar says.
 */
function flameSource(doc: ProfileDocument, model: ProfileModel): (foldLibraries: boolean) => FlameGraph {
  const profile = doc.profile;
  if (isSampled(profile)) {
    const stacks = profile.stacks;
    // The same graph as the call tree's (built already when the tree was shown first).
    return (foldLibraries) => sharedFlameFromStacks(model, stacks, foldLibraries);
  }
  return (foldLibraries) => flameFromCallTree(new CallTree(model, { foldLibraries, threshold: 0 }));
}

/** What the Sandwich tab draws: a sampled profile's stacks (exact), else cProfile's pairs (estimated beyond the first level). */
function sandwichSource(doc: ProfileDocument, model: ProfileModel): (fn: number, foldLibraries: boolean) => Sandwich {
  const profile = doc.profile;
  if (isSampled(profile)) {
    const stacks = profile.stacks;
    return (fn, foldLibraries) => sandwichFromStacks(model, stacks, fn, { foldLibraries });
  }
  return (fn, foldLibraries) => sandwichFromPairs(model, fn, { foldLibraries });
}
