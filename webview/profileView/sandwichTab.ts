/**
 * The Sandwich tab: one function F with everything that calls it above and everything it calls
 * below, merged over every path through it (src/core/sandwich.ts), so one picture answers "what
 * does F cost, and who makes it cost that". Callers are a flame (F on the bottom edge, growing
 * up to the entry points), callees an icicle (F on the top edge, growing down): the two halves
 * meet at F. Both are the shared canvas (webview/shared/flameCanvas.ts): hover, zoom, arrows,
 * Enter opens the source; this tab adds S to re-centre the sandwich on a frame's function
 * (double-click does too), B (or the Back button) to go back, and T to show a frame in the call
 * tree. Frames cProfile could only estimate are hatched, as in the Flame tab.
 *
 * The canvases are made when the first sandwich is shown: most views never open this tab.
 */
import { visibleText } from '../../src/core/displayText';
import { functionPath, type FlameGraph, type FlameNode } from '../../src/core/flameGraph';
import { formatCalls, formatPercent } from '../../src/core/format';
import { functionLocation } from '../../src/core/functionTable';
import { heatHsl } from '../../src/core/heat';
import type { ProfileModel } from '../../src/core/profileModel';
import { msFormatFor, samplesText } from '../../src/core/sampledFigures';
import type { Sandwich } from '../../src/core/sandwich';
import { FlameCanvas, type Hsl } from '../shared/flameCanvas';
import { codicon, element } from './dom';

export interface SandwichTabHooks {
  openSource(fn: number): void;
  /** T: show a path of function indices from an entry point in the call tree (fn: the frame's function, if the path is not there). */
  showInTree(path: number[], fn: number): void;
  /** The function shown changed (saved with the view's state). */
  changed(): void;
}

type Half = 'callers' | 'callees';

/** The rows a half's share of the height is counted in, at least and at most (see render). */
const MIN_GROW_ROWS = 3;
const MAX_GROW_ROWS = 30;

const KEYS_LABEL =
  'arrows move, Enter opens the source, Space zooms in, Escape zooms out, S centres the sandwich on the frame, B goes back, T shows in the call tree';

export class SandwichTab {
  readonly element: HTMLElement;
  private sandwich?: Sandwich;
  /** Functions shown before, for Back (the latest last). */
  private readonly history: number[] = [];
  private halves?: Record<Half, FlameCanvas>;
  private shown = false;
  /** A function from a saved state, built when the tab is first shown (most views open on the call tree). */
  private pending?: number;
  private readonly title = element('div', { class: 'sandwich-title' });
  private readonly figures = element('div', { class: 'sandwich-figures muted', 'aria-live': 'polite' });
  private readonly backButton = element(
    'button',
    { type: 'button', class: 'flame-button', title: 'Back to the function shown before (B)' },
    codicon('arrow-left'),
    'Back',
  );
  private readonly body = element('div', { class: 'sandwich-body' });

  constructor(
    private readonly model: ProfileModel,
    /** Builds the sandwich of a function (from stacks or cProfile's pairs), callees folded or not. */
    private readonly build: (fn: number, foldLibraries: boolean) => Sandwich,
    private foldLibraries: boolean,
    /** Seconds the request's shares are of (the Flame tab's whole). */
    private readonly requestTime: number,
    private readonly sampled: boolean,
    private readonly hooks: SandwichTabHooks,
  ) {
    this.backButton.addEventListener('click', () => this.back());
    const legend = element(
      'div',
      { class: 'legend muted' },
      sampled
        ? 'Exact: every stack through the function counts once, at its outermost call.'
        : 'From cProfile caller→callee pairs: the first level above and below is recorded; further out, time is apportioned (hatched frames are estimates).',
    );
    this.element = element(
      'div',
      { class: 'flame-tab sandwich-tab' },
      element('div', { class: 'flame-toolbar' }, this.backButton, this.title),
      this.figures,
      this.body,
      legend,
    );
    this.render();
  }

  /** The function shown, or null. */
  get function(): number | null {
    return this.pending ?? (this.sandwich ? this.sandwich.fn : null);
  }

  /** The function a saved state had: shown when the tab is. */
  restoreFunction(fn: number): void {
    if (this.model.functions[fn]) this.pending = fn;
  }

  /** The tab is visible: the canvases can draw. */
  show(): void {
    this.shown = true;
    if (this.pending !== undefined) this.showFunction(this.pending, false);
    if (this.halves) for (const canvas of Object.values(this.halves)) canvas.show();
  }

  /** Focus the callers half (Tab goes on to the callees half). */
  focusGraph(): void {
    if (this.halves) this.halves.callers.focusGraph();
  }

  /** Show fn's sandwich (null: say how to choose one). remember: Back returns to the function shown now. */
  showFunction(fn: number | null, remember = true): void {
    if (fn !== null && !this.model.functions[fn]) fn = null;
    this.pending = undefined;
    if (fn === (this.sandwich ? this.sandwich.fn : null)) return;
    if (remember && this.sandwich) this.history.push(this.sandwich.fn);
    this.sandwich = fn === null ? undefined : this.build(fn, this.foldLibraries);
    this.render();
    this.hooks.changed();
  }

  setFoldLibraries(fold: boolean): void {
    if (fold === this.foldLibraries) return;
    this.foldLibraries = fold;
    if (this.sandwich) {
      this.sandwich = this.build(this.sandwich.fn, fold);
      this.render();
    }
  }

  /** Functions' lines changed (late `def` lines): the title says the new one. */
  redrawLocations(): void {
    this.renderHeader();
  }

  private back(): void {
    const previous = this.history.pop();
    if (previous !== undefined) this.showFunction(previous, false);
  }

  private render(): void {
    this.renderHeader();
    const sandwich = this.sandwich;
    if (!sandwich) {
      this.body.replaceChildren(
        element(
          'p',
          { class: 'sandwich-empty' },
          'Choose a function to see its sandwich: select it in the call tree, the Functions or Callers tab or the flame graph and press S, ' +
            'or select it and open this tab.',
        ),
      );
      return;
    }
    const halves = this.makeHalves();
    this.showGraph(halves.callers, sandwich.callers);
    this.showGraph(halves.callees, sandwich.callees);
    // Each half takes room in proportion to its rows, within limits, so a short chain of callers
    // leaves the room to deep callees (and the other way round); each scrolls beyond that.
    for (const [canvas, graph] of [
      [halves.callers, sandwich.callers],
      [halves.callees, sandwich.callees],
    ] as const) {
      const half = canvas.viewport.parentElement;
      if (half) half.style.flexGrow = String(Math.min(MAX_GROW_ROWS, Math.max(MIN_GROW_ROWS, graph.height + 1)));
    }
  }

  private showGraph(canvas: FlameCanvas, graph: FlameGraph): void {
    canvas.setGraph(graph);
    // A new function starts unzoomed (setGraph keeps a zoom whose path exists in the new graph).
    if (canvas.focus !== graph.root) canvas.zoom(graph.root);
  }

  private renderHeader(): void {
    this.backButton.disabled = this.history.length === 0;
    const sandwich = this.sandwich;
    if (!sandwich) {
      this.title.replaceChildren('Sandwich: no function chosen');
      this.figures.textContent = '';
      return;
    }
    const info = this.model.functions[sandwich.fn];
    this.title.replaceChildren(
      'Sandwich of ',
      element('strong', {}, visibleText(info.displayName)),
      // Where it is as the call tree's rows say it ("demo.app:109"), the file's path on hover.
      element(
        'span',
        { class: 'muted', title: visibleText(functionLocation(info)) || 'built-in' },
        `  ${info.kind === 'builtin' ? 'built-in' : visibleText(`${info.module || info.file}:${info.line}`)}`,
      ),
    );
    const ms = msFormatFor(this.sampled);
    const count = this.sampled ? samplesText(sandwich.count) : `${formatCalls(info.cc, info.nc)} calls`;
    const share = this.requestTime > 0 ? formatPercent(sandwich.total / this.requestTime) : '';
    this.figures.textContent = `Total ${ms(sandwich.total * 1000)} · ${share} of the request · Own ${ms(sandwich.own * 1000)} · ${count}`;
  }

  /** The two canvases, made the first time a sandwich is shown. */
  private makeHalves(): Record<Half, FlameCanvas> {
    if (this.halves) return this.halves;
    const make = (half: Half) => {
      const canvas = new FlameCanvas(
        {
          label: (node) => this.label(node),
          fill: (node) => this.fillOf(node),
          describe: (node) => this.describe(node, half),
          open: (node) => {
            if (node.kind === 'function' || node.kind === 'own') this.hooks.openSource(node.fn);
          },
          doubleClick: (node) => this.recentre(node),
          key: (event, node) => this.onKey(event, node, half),
          // Tab goes from one half's graph straight to the other's: the keys zoom out (Escape, Home) what the breadcrumbs do.
          laidOut: () => {
            for (const crumb of canvas.crumbs.querySelectorAll('button')) crumb.tabIndex = -1;
          },
        },
        half === 'callers' ? `Callers of the function, growing up: ${KEYS_LABEL}` : `What the function calls, growing down: ${KEYS_LABEL}`,
      );
      canvas.orientation = half === 'callers' ? 'flame' : 'icicle';
      canvas.viewport.classList.add(`sandwich-${half}`);
      return canvas;
    };
    const halves = { callers: make('callers'), callees: make('callees') };
    const section = (canvas: FlameCanvas, heading: string) =>
      element(
        'section',
        { class: 'sandwich-half' },
        element('div', { class: 'sandwich-heading' }, element('span', { class: 'muted' }, heading), canvas.crumbs),
        canvas.viewport,
        canvas.announcer,
        canvas.tooltip,
      );
    this.body.replaceChildren(
      section(halves.callers, 'Callers: who calls it, up to the entry points'),
      section(halves.callees, 'Callees: what it calls, and its own time'),
    );
    this.halves = halves;
    if (this.shown) this.show();
    return halves;
  }

  private onKey(event: KeyboardEvent, node: FlameNode, half: Half): boolean {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    switch (event.key.toLowerCase()) {
      case 's':
        this.recentre(node);
        return true;
      case 'b':
        this.back();
        return true;
      case 't': {
        const path = this.treePath(node, half);
        if (path.length > 0) this.hooks.showInTree(path, node.fn);
        return true;
      }
    }
    return false;
  }

  private recentre(node: FlameNode): void {
    if (node.kind === 'function' && node.fn !== this.function) this.showFunction(node.fn);
  }

  /**
   * A call tree path to a frame: from the entry point of its heaviest chain of callers down to
   * it. Callers half: the frame's own callers above it; callees half: the chosen function's, then
   * the frames from it down.
   */
  private treePath(node: FlameNode, half: Half): number[] {
    if (!this.sandwich || node.kind === 'awaiting') return [];
    const heaviestCallers = (from: FlameNode) => {
      const chain: number[] = [];
      for (let n = from.children[0]; n; n = n.children[0]) chain.push(n.fn);
      return chain.reverse();
    };
    if (half === 'callers') return [...heaviestCallers(node), node.fn];
    return [...heaviestCallers(this.sandwich.callers.root), ...functionPath(node)];
  }

  /** Sampled: a frame with no callers above it starts its stacks; cProfile: the function has no caller but itself. */
  private isEntryPoint(fn: number): boolean {
    return this.sampled || this.model.callersOf[fn].every((e) => this.model.edges[e].caller === fn);
  }

  private label(node: FlameNode): string {
    if (node.kind === 'own') return 'own time';
    if (node.kind === 'awaiting') return 'awaiting';
    return visibleText(this.model.functions[node.fn]?.displayName ?? '');
  }

  /** Hotter for more of the function's time: the chains and callees that make it cost stand out. */
  private fillOf(node: FlameNode): Hsl {
    if (node.kind === 'awaiting') return [0, 0, 0.62];
    const total = this.sandwich?.total ?? 0;
    return heatHsl(total > 0 ? node.total / total : 0);
  }

  /** What a frame's tooltip and the screen reader say about it. */
  private describe(node: FlameNode, half: Half): string[] {
    const sandwich = this.sandwich;
    if (!sandwich) return [];
    const ms = (seconds: number) => msFormatFor(this.sampled)(seconds * 1000);
    const ofTarget = (seconds: number) => (sandwich.total > 0 ? formatPercent(seconds / sandwich.total) : '');
    const target = visibleText(this.model.functions[sandwich.fn].displayName);
    const lines = [this.label(node)];
    if (node.depth === 0) {
      lines.push(`Total ${ms(node.total)}, ${this.requestTime > 0 ? formatPercent(node.total / this.requestTime) : ''} of the request`);
    } else if (half === 'callers') {
      lines.push(`Brings ${ms(node.total)} of ${target}'s time (${ofTarget(node.total)})`);
      if (node.children.length === 0 && this.isEntryPoint(node.fn)) lines.push('An entry point of the request: nothing called it');
    } else if (node.kind === 'own') {
      lines.push(`${ms(node.total)} running ${target}'s own code (${ofTarget(node.total)})`);
    } else {
      lines.push(`Total ${ms(node.total)} under ${target} (${ofTarget(node.total)})`);
      if (node.kind === 'function') lines.push(`Own ${ms(node.self)}`);
    }
    if (node.kind === 'awaiting') {
      lines.push('Awaiting: the request was waiting here, not running');
      return lines;
    }
    const info = this.model.functions[node.fn];
    if (this.sampled) lines.push(samplesText(node.samples));
    else lines.push(`Calls ${formatCalls(info.cc, info.nc)} (all callers)`);
    lines.push(visibleText(functionLocation(info)) || 'built-in');
    if (node.estimated) lines.push('Estimate: apportioned from cProfile caller→callee pairs, which keep no paths');
    return lines;
  }
}
