/**
 * The call graph page: toolbar (search, thresholds, view and export buttons), a status
 * line, and the graph's SVG in a pan/zoom viewport. It builds the model, the graph and the
 * DOT from the profile data the host sends (src/callGraph/protocol.ts), lays it out with
 * Graphviz (layoutClient.ts) and reports clicks to the host.
 */
import {
  buildCallGraph,
  DEFAULT_EDGE_THRESHOLD,
  DEFAULT_MAX_NODES,
  DEFAULT_NODE_THRESHOLD,
  type CallGraph,
  type CallGraphOptions,
} from '../../src/core/callGraph';
import { applyDefinitionLines } from '../../src/core/definitionLine';
import { toDot } from '../../src/core/dot';
import { graphPercent } from '../../src/core/graphLabels';
import { visibleText } from '../../src/core/displayText';
import { searchGraph, type GraphSearchResult } from '../../src/core/graphSearch';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import type { CallGraphPageState, CallGraphProfile, CallGraphToHostMessage, ExportFormat, HostToCallGraphMessage } from '../../src/callGraph/protocol';
import { callGraphProfileOf, isHostToCallGraphMessage } from '../../src/callGraph/protocol';
import { LayoutClient } from './layoutClient';
import { PanZoom } from './panZoom';
import { markStartup, startupTimings } from './startupTimings';
import { adoptStyles } from './styles';
import { parseGraphSvg, type DrawnGraph } from './svgGraph';
import { currentTheme, onThemeChange } from './theme';
import { pageError, reportUncaughtErrors, type PageError } from '../shared/pageErrors';

/** The part of VS Code's webview API the page uses. */
export interface WebviewApi {
  postMessage(message: CallGraphToHostMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const KEY_PAN_PX = 60;
const ZOOM_STEP = 1.25;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function percentInput(id: string, title: string): HTMLInputElement {
  return element('input', { id, type: 'number', min: '0', max: '100', step: '0.1', title });
}

export class CallGraphPage {
  private profile: CallGraphProfile | undefined;
  private model: ProfileModel | undefined;
  private graph: CallGraph | undefined;
  private drawn: DrawnGraph | undefined;
  private options: Required<CallGraphOptions>;
  private search: GraphSearchResult = { drawn: [], hidden: [] };
  private searchPosition = -1;
  private fitOnNextRender = true;
  private pendingFocus: number | undefined;
  private layoutNote = '';

  private readonly searchInput = element('input', { id: 'search', type: 'search', placeholder: 'Find function  ( / )', 'aria-label': 'Find function' });
  private readonly searchStatus = element('span', { class: 'search-status', 'aria-live': 'polite' });
  private readonly nodeThreshold = percentInput('node-threshold', 'Functions under this share of the request are not drawn');
  private readonly edgeThreshold = percentInput('edge-threshold', 'Calls under this share of the request are not drawn');
  private readonly maxNodes = element('input', {
    id: 'max-nodes',
    type: 'number',
    min: '0',
    step: '10',
    title: 'Draw at most this many functions (0: no limit)',
  });
  private readonly status = element('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly viewport = element('div', {
    class: 'viewport',
    tabindex: '0',
    'aria-label':
      "Call graph: arrows pan, + and - zoom, 0 fits, H shows the hot path, Tab moves between functions, Enter opens a function's source, T shows it in the call tree",
  });
  private readonly panZoom = new PanZoom(this.viewport);

  constructor(
    private readonly api: WebviewApi,
    /** Starting the layout worker takes a moment; the page listens to the host meanwhile. */
    private readonly layoutReady: Promise<LayoutClient>,
  ) {
    // First, so that nothing the page does later can fail unseen.
    reportUncaughtErrors(window, 'The call graph page failed', (error) => this.reportError(error));
    const saved = (api.getState() ?? {}) as CallGraphPageState;
    this.options = normaliseOptions(saved.options);
    adoptStyles(document);
    this.buildDom();
    this.showOptions();
    onThemeChange(() => void this.render());
    window.addEventListener('message', (event) => {
      if (isHostToCallGraphMessage(event.data)) this.onMessage(event.data);
    });
    api.postMessage({ type: 'ready' });
  }

  private buildDom(): void {
    const toolbar = element('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Call graph tools' });
    const button = (label: string, title: string, action: () => void) => {
      const b = element('button', { type: 'button', title }, label);
      b.addEventListener('click', action);
      return b;
    };
    const searchGroup = element('span', { class: 'group' });
    searchGroup.append(this.searchInput, this.searchStatus);
    const nodeLabel = element('label', {}, 'Nodes ≥ ');
    nodeLabel.append(this.nodeThreshold, '%');
    const edgeLabel = element('label', {}, 'Edges ≥ ');
    edgeLabel.append(this.edgeThreshold, '%');
    const maxLabel = element('label', {}, 'At most ');
    maxLabel.append(this.maxNodes, ' nodes');
    const view = element('span', { class: 'group' });
    view.append(
      button('Hot path', 'Show the end of the hot path (H)', () => this.focusHotPath()),
      button('Fit', 'Fit the graph in the view (0)', () => this.panZoom.fit()),
      button('+', 'Zoom in (+)', () => this.panZoom.zoomBy(ZOOM_STEP)),
      button('−', 'Zoom out (-)', () => this.panZoom.zoomBy(1 / ZOOM_STEP)),
    );
    const exports = element('span', { class: 'group' });
    exports.append(
      button('Save .dot', 'Save the graph as Graphviz DOT', () => void this.export('dot')),
      button('Save .svg', 'Save the graph as SVG', () => void this.export('svg')),
    );
    toolbar.append(searchGroup, nodeLabel, edgeLabel, maxLabel, view, exports);
    this.viewport.append(element('div', { class: 'placeholder' }, 'Waiting for a profile…'));
    document.body.append(toolbar, this.status, this.viewport);

    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    this.searchInput.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => this.runSearch(), 120);
    });
    this.searchInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        clearTimeout(searchTimer);
        if (this.searchInput.value.trim() && !this.search.drawn.length && !this.search.hidden.length) this.runSearch();
        else this.stepSearch(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        this.searchInput.value = '';
        this.runSearch();
        this.viewport.focus();
      }
    });
    for (const input of [this.nodeThreshold, this.edgeThreshold, this.maxNodes]) {
      input.addEventListener('change', () => this.readOptions());
    }
    this.viewport.addEventListener('click', (event) => this.onClick(event));
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.viewport.addEventListener('focusin', (event) => {
      const node = (event.target as Element).closest?.('g.node');
      if (node instanceof SVGGElement) this.reveal(node);
    });
    document.addEventListener('keydown', (event) => {
      const typing = event.target instanceof HTMLInputElement;
      if (((event.key === 'f' || event.key === 'F') && (event.ctrlKey || event.metaKey)) || (event.key === '/' && !typing)) {
        event.preventDefault();
        this.searchInput.focus();
        this.searchInput.select();
      }
    });
  }

  private onMessage(message: HostToCallGraphMessage): void {
    switch (message.type) {
      case 'show':
        markStartup('showReceived');
        // Before parsing: the host must not send the profile again, even when it cannot be read.
        this.api.postMessage({ type: 'received', profileId: message.profile.id });
        try {
          const profile = callGraphProfileOf(message.profile);
          this.model = buildProfileModel(profile.data, profile.paths);
          this.profile = profile;
          // Decorated functions: labels and tooltips show the `def` line that a click opens.
          applyDefinitionLines(this.model.functions, message.definitionLines);
        } catch (error) {
          // Nothing of another profile stays on screen, as if it were this one.
          this.profile = this.model = this.graph = this.drawn = undefined;
          this.viewport.replaceChildren(element('div', { class: 'placeholder' }, 'Nothing to draw: the profile could not be read.'));
          this.reportError(pageError('The profile could not be read', error));
          return;
        }
        this.saveState();
        // The model holds its own copy of the call data: keep the profile without it (a big
        // profile's edge arrays would otherwise stay alive for every garbage collection to walk).
        this.profile = { ...this.profile, data: { ...this.profile.data, functions: [], edges: [] } };
        if (message.options) this.options = normaliseOptions({ ...this.options, ...message.options });
        this.showOptions();
        this.fitOnNextRender = true;
        this.pendingFocus = message.focusFunction;
        this.searchInput.value = '';
        this.search = { drawn: [], hidden: [] };
        void this.render();
        return;
      case 'definitionLines':
        if (this.model && applyDefinitionLines(this.model.functions, message.lines)) void this.render();
        return;
      case 'focusFunction':
        this.focusFunction(message.function);
        return;
      case 'requestExport':
        void this.export(message.format);
        return;
    }
  }

  private readOptions(): void {
    const percent = (input: HTMLInputElement) => Number(input.value) / 100;
    const options = normaliseOptions({
      nodeThreshold: percent(this.nodeThreshold),
      edgeThreshold: percent(this.edgeThreshold),
      maxNodes: Number(this.maxNodes.value),
    });
    this.options = options;
    this.showOptions();
    this.saveState();
    this.api.postMessage({ type: 'optionsChanged', options });
    void this.render();
  }

  /** The thresholds, and the profile's file so that VS Code can restore the panel after a reload. */
  private saveState(): void {
    const source = this.profile?.source;
    this.api.setState({ options: this.options, ...(source ? { source } : {}) } satisfies CallGraphPageState);
  }

  private showOptions(): void {
    this.nodeThreshold.value = String(round(this.options.nodeThreshold * 100));
    this.edgeThreshold.value = String(round(this.options.edgeThreshold * 100));
    this.maxNodes.value = String(this.options.maxNodes);
  }

  /** Draws the graph; any failure is shown in the status line and reported to the host. */
  private async render(): Promise<void> {
    if (!this.profile || !this.model) return;
    try {
      await this.draw(this.profile, this.model);
    } catch (error) {
      this.reportError(pageError('The call graph could not be drawn', error));
    }
  }

  private async draw(profile: CallGraphProfile, model: ProfileModel): Promise<void> {
    const graph = buildCallGraph(model, this.options);
    const theme = currentTheme();
    // The panel's title names the request and the status line says what is hidden: no caption.
    const dot = toDot(graph, { theme: theme.kind, foreground: theme.foreground, caption: false });
    this.setStatus(`Laying out ${graph.nodes.length} functions and ${graph.edges.length} calls…`);
    markStartup('graphBuilt');
    let result;
    const layout = await this.layoutReady;
    layout.onIdleError ??= (error) => this.reportError(pageError('The layout worker failed', error));
    try {
      result = await layout.layout(dot);
    } catch (error) {
      if (profile === this.profile) this.reportError(pageError('Graphviz could not lay out the call graph', error));
      return;
    }
    if (!result || profile !== this.profile) return; // a newer layout or profile took over
    const drawn = parseGraphSvg(result.svg, graph);
    this.graph = graph;
    this.drawn = drawn;
    this.viewport.replaceChildren(drawn.svg);
    if (!graph.nodes.length) {
      const why = model.functions.length ? 'no function reaches the node threshold' : 'the request was not profiled';
      this.viewport.append(element('div', { class: 'placeholder' }, `Nothing to draw: ${why}.`));
    }
    this.panZoom.setContent(drawn.svg, drawn.width, drawn.height);
    if (this.fitOnNextRender) this.panZoom.fit();
    this.fitOnNextRender = false;
    this.layoutNote = `laid out in ${Math.round(result.ms)} ms${layout.where === 'page' ? ' (on the page thread)' : ''}`;
    this.setStatus(`${graph.hiddenText}  ·  ${this.layoutNote}`);
    if (this.searchInput.value.trim()) this.runSearch(false);
    if (this.pendingFocus !== undefined) {
      const focus = this.pendingFocus;
      this.pendingFocus = undefined;
      this.focusFunction(focus);
    }
    markStartup('drawn');
    this.api.postMessage({
      type: 'rendered',
      profileId: profile.id,
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      hiddenText: graph.hiddenText,
      hotPath: graph.hotPath,
      options: this.options,
      layoutMs: result.ms,
      layoutIn: layout.where,
      timings: startupTimings(),
    });
  }

  /** Shown in the status line and sent to the host, which shows and logs it. */
  private reportError(error: PageError): void {
    this.setStatus(error.message, true);
    this.api.postMessage({ type: 'error', ...error });
  }

  private setStatus(text: string, warning = false): void {
    this.status.replaceChildren(warning ? element('span', { class: 'warning' }, text) : text);
  }

  /** A node's rectangle in the SVG's own (unscaled) pixels. */
  private nodeRect(node: SVGGElement) {
    const svgBox = this.drawn!.svg.getBoundingClientRect();
    const box = node.getBoundingClientRect();
    const scale = this.panZoom.zoom;
    return { x: (box.left - svgBox.left) / scale, y: (box.top - svgBox.top) / scale, width: box.width / scale, height: box.height / scale };
  }

  private reveal(node: SVGGElement): void {
    const rect = this.nodeRect(node);
    if (!this.panZoom.isVisible(rect)) this.panZoom.centerOn(rect);
  }

  private setCurrent(fn: number | undefined): SVGGElement | undefined {
    for (const el of this.drawn?.nodes.values() ?? []) el.classList.remove('current');
    if (fn === undefined) return undefined;
    const node = this.drawn?.nodes.get(fn);
    node?.classList.add('current');
    return node;
  }

  private focusFunction(fn: number): void {
    const node = this.setCurrent(fn);
    if (node) {
      this.panZoom.centerOn(this.nodeRect(node));
      node.focus({ preventScroll: true });
      return;
    }
    const info = this.model?.functions[fn];
    if (!info || !this.graph) return;
    const share = this.model!.totalTime > 0 ? info.ct / this.model!.totalTime : 0;
    this.setStatus(`${visibleText(info.displayName)} (${graphPercent(share)}) is not drawn: lower the node threshold or raise the node limit to see it.`, true);
  }

  private focusHotPath(): void {
    const path = this.graph?.hotPath ?? [];
    if (path.length) this.focusFunction(path[path.length - 1]);
  }

  private runSearch(move = true): void {
    if (!this.model || !this.graph) return;
    this.search = searchGraph(this.model, this.graph, this.searchInput.value);
    const matches = new Set(this.search.drawn);
    for (const [fn, el] of this.drawn?.nodes ?? []) el.classList.toggle('match', matches.has(fn));
    this.searchPosition = -1;
    if (move && this.search.drawn.length) this.stepSearch(1, false);
    else this.showSearchStatus();
    if (!this.search.drawn.length) this.setCurrent(undefined);
  }

  private stepSearch(direction: 1 | -1, takeFocus = false): void {
    const drawn = this.search.drawn;
    if (!drawn.length) return this.showSearchStatus();
    this.searchPosition = (this.searchPosition + direction + drawn.length) % drawn.length;
    const node = this.setCurrent(drawn[this.searchPosition]);
    if (node) {
      this.panZoom.centerOn(this.nodeRect(node));
      if (takeFocus) node.focus({ preventScroll: true });
    }
    this.showSearchStatus();
  }

  private showSearchStatus(): void {
    const { drawn, hidden } = this.search;
    if (!this.searchInput.value.trim()) return void (this.searchStatus.textContent = '');
    const parts = [drawn.length ? `${this.searchPosition + 1} of ${drawn.length}` : 'none drawn'];
    if (hidden.length && this.model) {
      const largest = this.model.functions[hidden[0]];
      const share = this.model.totalTime > 0 ? largest.ct / this.model.totalTime : 0;
      parts.push(`${hidden.length} not drawn (largest ${graphPercent(share)})`);
    }
    this.searchStatus.textContent = parts.join(', ');
  }

  private onClick(event: MouseEvent): void {
    if (this.viewport.classList.contains('dragging')) return;
    const node = (event.target as Element).closest?.('g.node');
    if (node instanceof SVGGElement) this.activate(node);
  }

  private activate(node: SVGGElement): void {
    const fn = Number(node.dataset.function);
    const info = this.model?.functions[fn];
    if (!info || !this.profile) return;
    this.setCurrent(fn);
    this.api.postMessage({ type: 'openFunction', profileId: this.profile.id, function: fn, file: info.file, line: info.line, hasSource: info.hasSource });
  }

  private onKey(event: KeyboardEvent): void {
    const node = (event.target as Element).closest?.('g.node');
    if ((event.key === 'Enter' || event.key === ' ') && node instanceof SVGGElement) {
      event.preventDefault();
      this.activate(node);
      return;
    }
    const actions: Record<string, () => void> = {
      ArrowLeft: () => this.panZoom.panBy(KEY_PAN_PX, 0),
      ArrowRight: () => this.panZoom.panBy(-KEY_PAN_PX, 0),
      ArrowUp: () => this.panZoom.panBy(0, KEY_PAN_PX),
      ArrowDown: () => this.panZoom.panBy(0, -KEY_PAN_PX),
      '+': () => this.panZoom.zoomBy(ZOOM_STEP),
      '=': () => this.panZoom.zoomBy(ZOOM_STEP),
      '-': () => this.panZoom.zoomBy(1 / ZOOM_STEP),
      '0': () => this.panZoom.fit(),
      h: () => this.focusHotPath(),
      H: () => this.focusHotPath(),
      t: () => this.showInCallTree(node),
      T: () => this.showInCallTree(node),
    };
    const action = actions[event.key];
    if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      action();
    }
  }

  private showInCallTree(node: Element | null | undefined): void {
    if (!(node instanceof SVGGElement) || !this.profile) return;
    this.api.postMessage({ type: 'showInCallTree', profileId: this.profile.id, function: Number(node.dataset.function) });
  }

  private async export(format: ExportFormat): Promise<void> {
    try {
      await this.exportGraph(format);
    } catch (error) {
      this.reportError(pageError(`The call graph could not be exported as ${format.toUpperCase()}`, error));
    }
  }

  private async exportGraph(format: ExportFormat): Promise<void> {
    if (!this.profile || !this.graph) return;
    // Exports are for other tools and documents: always the light theme, with the caption.
    const dot = toDot(this.graph, { theme: 'light', title: this.profile.title });
    let text = dot;
    if (format === 'svg') {
      const result = await (await this.layoutReady).layout(dot);
      if (!result) return;
      text = result.svg;
      void this.render(); // the export's layout may have replaced the view's pending one
    }
    const base = this.profile.title.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || this.profile.id;
    this.api.postMessage({ type: 'export', profileId: this.profile.id, format, text, suggestedName: `${base}.${format}` });
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Options from the user or saved state, with anything missing or invalid at its default. */
export function normaliseOptions(options: CallGraphOptions | undefined): Required<CallGraphOptions> {
  const fraction = (value: number | undefined, fallback: number) =>
    value !== undefined && Number.isFinite(value) && value >= 0 && value <= 1 ? value : fallback;
  const max = options?.maxNodes;
  return {
    nodeThreshold: fraction(options?.nodeThreshold, DEFAULT_NODE_THRESHOLD),
    edgeThreshold: fraction(options?.edgeThreshold, DEFAULT_EDGE_THRESHOLD),
    maxNodes: max !== undefined && Number.isFinite(max) && max >= 0 ? Math.floor(max) : DEFAULT_MAX_NODES,
  };
}
