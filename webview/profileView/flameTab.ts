/**
 * The Flame tab: the request's paths as a flame graph (root at the bottom) or an icicle (root at
 * the top), drawn on a canvas the size of the visible part, so a 100,000-deep chain scrolls like
 * a short one. The model (frames, layout, zoom, search, keyboard moves, colours) is
 * src/core/flameGraph.ts; this file draws it and turns input into its calls.
 *
 * Mouse: hover for a frame's numbers, click to zoom into a frame, the breadcrumbs to zoom back.
 * Keys (on the graph): arrows move the selection (toward the root and away from it, and along
 * the row), Enter opens the source, Space zooms into the selection, Escape or Backspace zooms
 * out one level, Home shows the whole request, T shows the selection in the call tree.
 * Frames whose time cProfile could only estimate are hatched.
 */
import { formatMs, formatPercent } from '../../src/core/format';
import { functionLocation } from '../../src/core/functionTable';
import {
  ancestry,
  functionPath,
  layoutFlame,
  moduleHue,
  neighbour,
  searchFlame,
  selfHeat,
  type FlameColouring,
  type FlameDirection,
  type FlameGraph,
  type FlameNode,
  type FlameRect,
} from '../../src/core/flameGraph';
import { heatHsl } from '../../src/core/heat';
import { visibleText } from '../../src/core/displayText';
import type { ProfileModel } from '../../src/core/profileModel';
import { codicon, element } from './dom';
import './flameTab.css';

export type FlameOrientation = 'icicle' | 'flame';

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
  /** Something worth saving changed (the settings). */
  changed(): void;
}

const ROW_HEIGHT = 18;
/** Frames narrower than this are not drawn (nor what is under them). */
const MIN_FRAME_PX = 0.5;
/** Names are written only in frames at least this wide. */
const MIN_LABEL_PX = 28;

type Hsl = readonly [number, number, number];

export class FlameTab {
  readonly element: HTMLElement;
  private graph?: FlameGraph;
  private focus?: FlameNode;
  private selected?: FlameNode;
  private rects: FlameRect[] = [];
  /** The drawn rects of each depth, left to right (for drawing rows and hit tests). */
  private rows = new Map<number, FlameRect[]>();
  private matches: ReadonlySet<FlameNode> | null = null;
  private matchFunctions: ReadonlySet<number> | null = null;
  private heat: (node: FlameNode) => number = () => 0;
  private readonly viewport = element('div', {
    class: 'flame-viewport',
    tabindex: '0',
    role: 'application',
    'aria-roledescription': 'flame graph',
    'aria-label': 'Flame graph: arrows move, Enter opens the source, Space zooms in, Escape zooms out, T shows in the call tree',
  });
  private readonly spacer = element('div', { class: 'flame-spacer' });
  private readonly canvas = element('canvas', { class: 'flame-canvas', 'aria-hidden': 'true' });
  private readonly tooltip = element('div', { class: 'flame-tooltip', role: 'tooltip' });
  private readonly crumbs = element('nav', { class: 'flame-crumbs', 'aria-label': 'Zoom' });
  private readonly status = element('div', { class: 'legend muted flame-status', 'aria-live': 'polite' });
  private readonly announcer = element('div', { class: 'visually-hidden', 'aria-live': 'polite' });
  private readonly orientationButton = element('button', { type: 'button', class: 'flame-button' });
  private readonly colouringButton = element('button', { type: 'button', class: 'flame-button' });
  private drawQueued = false;
  private laidOutWidth = 0;
  private shown = false;

  constructor(
    private readonly model: ProfileModel,
    /** Builds the graph (from stacks or the call tree), with library frames folded or not. */
    private readonly build: (foldLibraries: boolean) => FlameGraph,
    private foldLibraries: boolean,
    private settings: FlameSettings,
    private readonly hooks: FlameTabHooks,
  ) {
    const home = element('button', { type: 'button', class: 'flame-button', title: 'Show the whole request (Home)' }, codicon('home'), 'Whole request');
    home.addEventListener('click', () => this.zoom(this.graph?.root));
    this.orientationButton.addEventListener('click', () =>
      this.setSettings({ ...this.settings, orientation: this.settings.orientation === 'icicle' ? 'flame' : 'icicle' }),
    );
    this.colouringButton.addEventListener('click', () =>
      this.setSettings({ ...this.settings, colouring: this.settings.colouring === 'self' ? 'module' : 'self' }),
    );
    const toolbar = element('div', { class: 'flame-toolbar' }, home, this.orientationButton, this.colouringButton, this.crumbs);
    this.viewport.append(this.spacer, this.canvas);
    this.element = element('div', { class: 'flame-tab' }, toolbar, this.viewport, this.status, this.announcer, this.tooltip);
    this.viewport.addEventListener('scroll', () => this.queueDraw());
    this.viewport.addEventListener('mousemove', (event) => this.hover(event));
    this.viewport.addEventListener('mouseleave', () => this.hideTooltip());
    this.viewport.addEventListener('click', (event) => {
      const node = this.nodeAtEvent(event);
      if (node) this.zoom(node);
    });
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    // The layout leaves out frames under a pixel, so it depends on the width: a new width
    // (the tab shown for the first time, the editor resized) lays the frames out again.
    new ResizeObserver(() => {
      if (this.viewport.clientWidth !== this.laidOutWidth) this.layout();
      else this.queueDraw();
    }).observe(this.viewport);
    // A theme change swaps the CSS variables the canvas colours are read from.
    new MutationObserver(() => this.queueDraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.renderButtons();
  }

  /** Builds the graph when the tab is first shown: a profile opens on the call tree. */
  show(): void {
    this.shown = true;
    if (!this.graph) this.rebuild();
    this.queueDraw();
  }

  focusGraph(): void {
    this.viewport.focus();
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
    this.queueDraw();
  }

  private rebuild(): void {
    const path = this.focus ? functionPath(this.focus) : [];
    this.graph = this.build(this.foldLibraries);
    this.heat = selfHeat(this.graph);
    this.selected = undefined;
    this.focus = this.graph.root;
    // Keep the zoom where the same path still exists.
    for (const fn of path) {
      const next: FlameNode | undefined = this.focus.children.find((c) => c.kind === 'function' && c.fn === fn);
      if (!next) break;
      this.focus = next;
    }
    this.applyMatches();
    this.layout();
  }

  private applyMatches(): void {
    if (!this.graph || !this.matchFunctions) {
      this.matches = null;
      this.renderStatus();
      return;
    }
    const functions = this.matchFunctions;
    const found = searchFlame(this.graph, (fn) => functions.has(fn));
    this.matches = found.matches;
    this.renderStatus(found.matches.size, found.share);
  }

  private setSettings(settings: FlameSettings): void {
    this.settings = settings;
    this.renderButtons();
    this.layout();
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

  private zoom(node: FlameNode | undefined): void {
    if (!node || !this.graph) return;
    this.focus = node;
    this.select(node);
    this.layout();
  }

  private layout(): void {
    if (!this.graph || !this.focus) return;
    this.laidOutWidth = this.viewport.clientWidth;
    const width = Math.max(1, this.laidOutWidth);
    this.rects = layoutFlame(this.graph, this.focus, MIN_FRAME_PX / width);
    this.rows = new Map();
    for (const rect of this.rects) {
      let row = this.rows.get(rect.depth);
      if (!row) this.rows.set(rect.depth, (row = []));
      row.push(rect);
    }
    for (const row of this.rows.values()) row.sort((a, b) => a.x - b.x);
    const height = (this.graph.height + 1) * ROW_HEIGHT;
    const wasAtBottom = this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - 2;
    this.spacer.style.height = `${height}px`;
    if (this.settings.orientation === 'flame' && (wasAtBottom || this.viewport.scrollTop === 0)) this.viewport.scrollTop = height;
    this.renderCrumbs();
    this.renderStatus();
    this.queueDraw();
  }

  private renderCrumbs(): void {
    if (!this.focus) return;
    const chain = ancestry(this.focus);
    this.crumbs.replaceChildren(
      ...chain.map((node, i) => {
        const crumb = element('button', { type: 'button', class: 'flame-crumb' }, this.label(node));
        if (i === chain.length - 1) crumb.setAttribute('aria-current', 'true');
        crumb.addEventListener('click', () => this.zoom(node));
        return crumb;
      }),
    );
  }

  private renderStatus(matchCount?: number, matchShare?: number): void {
    if (!this.graph) return;
    const parts = [`${formatMs(this.graph.root.total * 1000)} in ${this.graph.height} levels`];
    parts.push(this.graph.exact ? 'exact: from sampled stacks' : 'from cProfile caller→callee pairs: hatched frames are estimates');
    if (this.matches && matchCount !== undefined && matchShare !== undefined) {
      parts.push(`${matchCount} matching frame${matchCount === 1 ? '' : 's'}, ${formatPercent(matchShare)} of the request`);
    }
    this.status.textContent = parts.join(' · ');
  }

  private label(node: FlameNode): string {
    if (node.kind === 'root') return 'all';
    if (node.kind === 'awaiting') return 'awaiting';
    return visibleText(this.model.functions[node.fn].displayName);
  }

  private queueDraw(): void {
    if (this.drawQueued || !this.shown) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  /** The y of a depth's row inside the whole (scrolled) graph; a flame graph's root sits on the bottom edge. */
  private rowTop(depth: number): number {
    if (this.settings.orientation === 'icicle') return depth * ROW_HEIGHT;
    const rows = this.graph ? this.graph.height + 1 : 1;
    const area = Math.max(rows * ROW_HEIGHT, this.viewport.clientHeight);
    return area - (depth + 1) * ROW_HEIGHT;
  }

  private draw(): void {
    if (!this.graph) return;
    const width = this.viewport.clientWidth;
    const height = this.viewport.clientHeight;
    if (width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    const canvas = this.canvas;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const context = canvas.getContext('2d');
    if (!context) return;
    // The canvas covers what is visible: it moves with the scroll and draws the rows there.
    canvas.style.top = `${this.viewport.scrollTop}px`;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const style = getComputedStyle(this.viewport);
    context.font = `${style.fontSize} ${style.fontFamily}`;
    context.textBaseline = 'middle';
    const theme = themeColours(style);
    const top = this.viewport.scrollTop;
    for (const [depth, row] of this.rows) {
      const y = this.rowTop(depth) - top;
      if (y + ROW_HEIGHT < 0 || y > height) continue;
      for (const rect of row) this.drawFrame(context, rect, rect.x * width, y, rect.width * width, theme);
    }
  }

  private drawFrame(context: CanvasRenderingContext2D, rect: FlameRect, x: number, y: number, w: number, theme: ThemeColours): void {
    const node = rect.node;
    const dimmed = this.matches !== null && !this.matches.has(node);
    const fill = this.fillOf(node);
    context.globalAlpha = dimmed ? 0.35 : 1;
    context.fillStyle = hslCss(fill);
    const drawnWidth = Math.max(w - 1, 0.5);
    context.fillRect(x, y, drawnWidth, ROW_HEIGHT - 1);
    if (node.estimated && w > 3) {
      context.save();
      context.beginPath();
      context.rect(x, y, drawnWidth, ROW_HEIGHT - 1);
      context.clip();
      context.strokeStyle = fill[2] > 0.55 ? 'rgba(0,0,0,0.25)' : 'rgba(255,255,255,0.25)';
      context.lineWidth = 1;
      context.beginPath();
      for (let offset = -ROW_HEIGHT; offset < drawnWidth; offset += 6) {
        context.moveTo(x + offset, y + ROW_HEIGHT);
        context.lineTo(x + offset + ROW_HEIGHT, y);
      }
      context.stroke();
      context.restore();
    }
    if (w >= MIN_LABEL_PX) {
      context.fillStyle = fill[2] > 0.55 ? '#1e1e1e' : '#ffffff';
      context.fillText(fitText(context, this.label(node), w - 6), x + 3, y + ROW_HEIGHT / 2);
    }
    context.globalAlpha = 1;
    if (node === this.selected || (this.matches?.has(node) ?? false)) {
      context.strokeStyle = node === this.selected ? theme.focus : theme.match;
      context.lineWidth = node === this.selected ? 2 : 1;
      context.strokeRect(x + 0.5, y + 0.5, Math.max(drawnWidth - 1, 1), ROW_HEIGHT - 2);
    }
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

  private nodeAtEvent(event: MouseEvent): FlameNode | undefined {
    const box = this.viewport.getBoundingClientRect();
    const x = (event.clientX - box.left) / Math.max(1, this.viewport.clientWidth);
    const y = event.clientY - box.top + this.viewport.scrollTop;
    const depth = this.settings.orientation === 'icicle' ? Math.floor(y / ROW_HEIGHT) : Math.floor((this.rowTop(0) + ROW_HEIGHT - y) / ROW_HEIGHT);
    const row = this.rows.get(depth);
    if (!row) return undefined;
    // Rows are sorted by x: the last rect starting at or before x.
    let low = 0;
    let high = row.length - 1;
    let found: FlameRect | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (row[middle].x <= x) {
        found = row[middle];
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found && x < found.x + found.width ? found.node : undefined;
  }

  private hover(event: MouseEvent): void {
    const node = this.nodeAtEvent(event);
    if (!node) return this.hideTooltip();
    this.tooltip.replaceChildren(...this.describe(node).map((line, i) => element('div', i === 0 ? { class: 'flame-tooltip-title' } : {}, line)));
    const box = this.element.getBoundingClientRect();
    const left = Math.min(event.clientX - box.left + 12, Math.max(0, box.width - 320));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 16}px`;
    this.tooltip.classList.add('visible');
  }

  private hideTooltip(): void {
    this.tooltip.classList.remove('visible');
  }

  /** What a frame's tooltip and the screen reader say about it. */
  private describe(node: FlameNode): string[] {
    const whole = this.graph?.root.total ?? 0;
    const share = (seconds: number) => (whole > 0 ? formatPercent(seconds / whole) : '');
    const lines = [this.label(node), `Total ${formatMs(node.total * 1000)}  ${share(node.total)}`];
    if (node.kind === 'function') {
      lines.push(`Own ${formatMs(node.self * 1000)}  ${share(node.self)}`);
      const info = this.model.functions[node.fn];
      if (this.graph?.exact) lines.push(`${node.samples} sample${node.samples === 1 ? '' : 's'}`);
      else lines.push(`Calls ${info.cc === info.nc ? info.nc : `${info.cc}/${info.nc}`} (all callers)`);
      lines.push(visibleText(functionLocation(info)) || 'built-in');
      if (node.estimated) lines.push('Estimate: this function has several callers, and cProfile keeps no paths');
    } else if (node.kind === 'awaiting') {
      lines.push('Awaiting: the request was waiting here, not running');
    }
    return lines;
  }

  private select(node: FlameNode): void {
    this.selected = node;
    this.announcer.textContent = this.describe(node).join(', ');
    this.queueDraw();
  }

  private scrollIntoView(node: FlameNode): void {
    const top = this.rowTop(node.depth);
    const viewport = this.viewport;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.graph || !this.focus) return;
    const current = this.selected ?? this.focus;
    const icicle = this.settings.orientation === 'icicle';
    const moves: Record<string, FlameDirection> = {
      ArrowUp: icicle ? 'parent' : 'child',
      ArrowDown: icicle ? 'child' : 'parent',
      ArrowLeft: 'previous',
      ArrowRight: 'next',
    };
    const direction = moves[event.key];
    if (direction) {
      const next = neighbour(this.rects, current, direction);
      if (next) {
        this.select(next);
        this.scrollIntoView(next);
      }
    } else if (event.key === 'Enter') {
      if (current.kind === 'function') this.hooks.openSource(current.fn);
    } else if (event.key === ' ') {
      this.zoom(current);
    } else if (event.key === 'Escape' || event.key === 'Backspace') {
      if (this.focus.parent) this.zoom(this.focus.parent);
    } else if (event.key === 'Home') {
      this.zoom(this.graph.root);
    } else if (event.key === 't' || event.key === 'T') {
      const path = functionPath(current);
      if (path.length > 0) this.hooks.showInTree(path);
    } else {
      return;
    }
    event.preventDefault();
  }
}

interface ThemeColours {
  focus: string;
  match: string;
}

function themeColours(style: CSSStyleDeclaration): ThemeColours {
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { focus: read('--vscode-focusBorder', '#007fd4'), match: read('--vscode-editor-findMatchBorder', '#f0a000') };
}

function hslCss([h, s, l]: Hsl): string {
  return `hsl(${Math.round(h * 360)}, ${Math.round(s * 100)}%, ${Math.round(l * 100)}%)`;
}

/** The text cut with an ellipsis to fit a width (binary search on the length). */
function fitText(context: CanvasRenderingContext2D, text: string, width: number): string {
  if (context.measureText(text).width <= width) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (context.measureText(`${text.slice(0, middle)}…`).width <= width) low = middle;
    else high = middle - 1;
  }
  return low > 0 ? `${text.slice(0, low)}…` : '';
}
