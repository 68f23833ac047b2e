/**
 * The Flame tab: the request's paths as a flame graph (root at the bottom) or an icicle (root at
 * the top). The drawing, zoom, hover and keyboard are the shared canvas's
 * (webview/shared/flameCanvas.ts); the model is src/core/flameGraph.ts. This tab adds what is the
 * profile view's own: the toolbar (orientation, colour by own time or package), the status line,
 * the search's highlights, library folding, and T to show the selection in the call tree.
 * Frames whose time cProfile could only estimate are hatched.
 */
import { formatCalls, formatPercent } from '../../src/core/format';
import { msFormatFor, samplesText } from '../../src/core/sampledFigures';
import { functionLocation } from '../../src/core/functionTable';
import { functionPath, moduleHue, searchFlame, selfHeat, type FlameColouring, type FlameGraph, type FlameNode } from '../../src/core/flameGraph';
import { heatHsl } from '../../src/core/heat';
import { visibleText } from '../../src/core/displayText';
import type { ProfileModel } from '../../src/core/profileModel';
import { FlameCanvas, type FlameOrientation, type Hsl } from '../shared/flameCanvas';
import { codicon, element } from './dom';

export type { FlameOrientation };

/** What the user chose, remembered with the view's state. */
export interface FlameSettings {
  orientation: FlameOrientation;
  colouring: FlameColouring;
}

export const DEFAULT_FLAME_SETTINGS: FlameSettings = { orientation: 'icicle', colouring: 'self' };

export function isFlameSettings(value: unknown): value is FlameSettings {
  const v = value as Partial<FlameSettings> | null;
  return (
    typeof v === 'object' && v !== null && (v.orientation === 'icicle' || v.orientation === 'flame') && (v.colouring === 'self' || v.colouring === 'module')
  );
}

export interface FlameTabHooks {
  openSource(fn: number): void;
  /** Reveal the frame's path (function indices from an entry point) in the call tree. */
  showInTree(path: number[]): void;
  /** S: the sandwich of the frame's function. */
  showSandwich(fn: number): void;
  /** A click zoomed into a function's frame: it becomes the selected function (the Callers and Sandwich tabs follow it). */
  selectFunction(fn: number): void;
  /** Something worth saving changed (the settings). */
  changed(): void;
}

export class FlameTab {
  readonly element: HTMLElement;
  private graph?: FlameGraph;
  private matchFunctions: ReadonlySet<number> | null = null;
  private heat: (node: FlameNode) => number = () => 0;
  private readonly canvas: FlameCanvas;
  private readonly status = element('div', { class: 'legend muted flame-status', 'aria-live': 'polite' });
  private readonly orientationButton = element('button', { type: 'button', class: 'flame-button' });
  private readonly colouringButton = element('button', { type: 'button', class: 'flame-button' });

  constructor(
    private readonly model: ProfileModel,
    /** Builds the graph (from stacks or the call tree), with library frames folded or not. */
    private readonly build: (foldLibraries: boolean) => FlameGraph,
    private foldLibraries: boolean,
    private settings: FlameSettings,
    private readonly hooks: FlameTabHooks,
  ) {
    this.canvas = new FlameCanvas(
      {
        label: (node) => this.label(node),
        fill: (node) => this.fillOf(node),
        describe: (node) => this.describe(node),
        open: (node) => {
          if (node.kind === 'function') this.hooks.openSource(node.fn);
        },
        key: (event, node) => {
          if (event.key === 's' || event.key === 'S') {
            if (node.kind === 'function') this.hooks.showSandwich(node.fn);
            return true;
          }
          if (event.key !== 't' && event.key !== 'T') return false;
          const path = functionPath(node);
          if (path.length > 0) this.hooks.showInTree(path);
          return true;
        },
        laidOut: () => {
          this.renderStatus();
          const focus = this.canvas.focus;
          if (focus?.kind === 'function') this.hooks.selectFunction(focus.fn);
        },
      },
      'Flame graph: arrows move, Enter opens the source, Space zooms in, Escape zooms out, T shows in the call tree, S opens the sandwich',
    );
    this.canvas.orientation = settings.orientation;
    const home = element('button', { type: 'button', class: 'flame-button', title: 'Show the whole request (Home)' }, codicon('home'), 'Whole request');
    home.addEventListener('click', () => this.canvas.zoom(this.graph?.root));
    this.orientationButton.addEventListener('click', () =>
      this.setSettings({ ...this.settings, orientation: this.settings.orientation === 'icicle' ? 'flame' : 'icicle' }),
    );
    this.colouringButton.addEventListener('click', () =>
      this.setSettings({ ...this.settings, colouring: this.settings.colouring === 'self' ? 'module' : 'self' }),
    );
    const toolbar = element('div', { class: 'flame-toolbar' }, home, this.orientationButton, this.colouringButton, this.canvas.crumbs);
    this.element = element('div', { class: 'flame-tab' }, toolbar, this.canvas.viewport, this.status, this.canvas.announcer, this.canvas.tooltip);
    this.renderButtons();
  }

  /** Builds the graph when the tab is first shown: a profile opens on the call tree. */
  show(): void {
    if (!this.graph) this.rebuild();
    this.canvas.show();
  }

  focusGraph(): void {
    this.canvas.focusGraph();
  }

  currentSettings(): FlameSettings {
    return this.settings;
  }

  setFoldLibraries(fold: boolean): void {
    if (fold === this.foldLibraries) return;
    this.foldLibraries = fold;
    if (this.graph) this.rebuild();
  }

  /** The functions a search found (null: no search): their frames are highlighted, the rest dimmed. */
  setMatches(functions: ReadonlySet<number> | null): void {
    this.matchFunctions = functions;
    this.applyMatches();
  }

  private rebuild(): void {
    this.graph = this.build(this.foldLibraries);
    this.heat = selfHeat(this.graph);
    this.canvas.setGraph(this.graph);
    this.applyMatches();
  }

  private applyMatches(): void {
    if (!this.graph || !this.matchFunctions) {
      this.canvas.setMatches(null);
      this.renderStatus();
      return;
    }
    const functions = this.matchFunctions;
    const found = searchFlame(this.graph, (fn) => functions.has(fn));
    this.canvas.setMatches(found.matches);
    this.renderStatus(found.matches.size, found.share);
  }

  private setSettings(settings: FlameSettings): void {
    this.settings = settings;
    this.canvas.orientation = settings.orientation;
    this.renderButtons();
    this.canvas.layout();
    this.hooks.changed();
  }

  private renderButtons(): void {
    const icicle = this.settings.orientation === 'icicle';
    this.orientationButton.replaceChildren(codicon(icicle ? 'arrow-down' : 'arrow-up'), icicle ? 'Icicle' : 'Flame');
    this.orientationButton.title = icicle ? 'Root at the top; click for root at the bottom (flame)' : 'Root at the bottom; click for root at the top (icicle)';
    const bySelf = this.settings.colouring === 'self';
    this.colouringButton.replaceChildren(codicon('symbol-color'), bySelf ? 'Colour: own time' : 'Colour: package');
    this.colouringButton.title = bySelf
      ? 'Hotter colours for more own time; click to colour by package'
      : 'One colour per top-level package; click to colour by own time';
  }

  private renderStatus(matchCount?: number, matchShare?: number): void {
    if (!this.graph) return;
    const parts = [`${this.ms(this.graph.root.total * 1000)} in ${this.graph.height} levels`];
    parts.push(this.graph.exact ? 'exact: from sampled stacks' : 'from cProfile caller→callee pairs: hatched frames are estimates');
    if (this.matchFunctions && matchCount !== undefined && matchShare !== undefined) {
      parts.push(`${matchCount} matching frame${matchCount === 1 ? '' : 's'}, ${formatPercent(matchShare)} of the request`);
    }
    this.status.textContent = parts.join(' · ');
  }

  /** Milliseconds as precise as the figures are: a sampled graph's to 0.1 ms (a sample is about 1 ms), as the call tree shows them. */
  private ms(ms: number): string {
    return msFormatFor(this.graph?.exact === true)(ms);
  }

  private label(node: FlameNode): string {
    if (node.kind === 'root') return 'all';
    if (node.kind === 'awaiting') return 'awaiting';
    return visibleText(this.model.functions[node.fn].displayName);
  }

  private fillOf(node: FlameNode): Hsl {
    if (node.kind === 'root') return [0, 0, 0.5];
    if (node.kind === 'awaiting') return [0, 0, 0.62];
    if (this.settings.colouring === 'module') {
      const info = this.model.functions[node.fn];
      const app = info.kind === 'app';
      return [moduleHue(info.module), app ? 0.6 : 0.3, app ? 0.45 : 0.6];
    }
    return heatHsl(this.heat(node));
  }

  /** What a frame's tooltip and the screen reader say about it. */
  private describe(node: FlameNode): string[] {
    const whole = this.graph?.root.total ?? 0;
    const share = (seconds: number) => (whole > 0 ? formatPercent(seconds / whole) : '');
    const lines = [this.label(node), `Total ${this.ms(node.total * 1000)}  ${share(node.total)}`];
    if (node.kind === 'function') {
      lines.push(`Own ${this.ms(node.self * 1000)}  ${share(node.self)}`);
      const info = this.model.functions[node.fn];
      if (this.graph?.exact) lines.push(samplesText(node.samples));
      else lines.push(`Calls ${formatCalls(info.cc, info.nc)} (all callers)`);
      lines.push(visibleText(functionLocation(info)) || 'built-in');
      if (node.estimated) lines.push('Estimate: this function has several callers, and cProfile keeps no paths');
    } else if (node.kind === 'awaiting') {
      lines.push('Awaiting: the request was waiting here, not running');
    }
    return lines;
  }
}
