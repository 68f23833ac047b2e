/**
 * A flame graph drawn on a canvas: what the profile view's Flame tab and the diff view's
 * differential flame graph share. The canvas is the size of the visible part, so a
 * 100,000-deep chain scrolls like a short one. The model (frames, layout, zoom, keyboard moves)
 * is src/core/flameGraph.ts; what a frame is called, its colour and what its tooltip says come
 * from the page (FlameFrames), which also places the pieces (viewport, breadcrumbs, tooltip).
 *
 * Mouse: hover for a frame's numbers, click to zoom into a frame, the breadcrumbs to zoom back.
 * Keys (on the graph): arrows move the selection (toward the root and away from it, and along
 * the row), Enter opens the source, Space zooms into the selection, Escape or Backspace zooms
 * out one level, Home shows the whole graph; the page may handle more keys. Frames marked
 * estimated are hatched.
 */
import { ancestry, functionPath, layoutFlame, type FlameGraph, type FlameNode, type FlameRect } from '../../src/core/flameGraph';
import { FlameRows, eachBlock, type FlameDirection, type RowBlocks } from '../../src/core/flameRows';
import { element } from './dom';
import { TextFitter } from './textFit';
import './flameCanvas.css';

export type FlameOrientation = 'icicle' | 'flame';

/** [hue, saturation, lightness], each 0..1. */
export type Hsl = readonly [number, number, number];

/** What the page says about its frames. */
export interface FlameFrames {
  label(node: FlameNode): string;
  fill(node: FlameNode): Hsl;
  /** The tooltip's lines (the first is its title), also read out on selection. */
  describe(node: FlameNode): string[];
  /** Enter on a frame. */
  open(node: FlameNode): void;
  /** A double-click on a frame (after the click zoomed into it); nothing when absent. */
  doubleClick?(node: FlameNode): void;
  /** A key the canvas does not handle, on the selected frame (or the zoomed one): true if handled. */
  key?(event: KeyboardEvent, node: FlameNode): boolean;
  /** After each layout (zoom, new width, new graph). */
  laidOut?(): void;
}

const ROW_HEIGHT = 18;
/** Frames narrower than this are not drawn (nor what is under them): a node's such callees are one "…" block. */
const MIN_FRAME_PX = 0.5;
/** Names are written only in frames at least this wide. */
const MIN_LABEL_PX = 28;
/** Touching frames narrower than this are drawn as one block (eachBlock). */
const NARROW_PX = 2;
/** The "…" block of callees too narrow to draw (FlameRect.hidden): grey, as neither hot nor cold. */
const HIDDEN_FILL = 'hsl(0, 0%, 50%)';

/**
 * What drawing a frame takes from the page, asked once per graph and kept until queueDraw (the
 * page's colours or labels changed): a scroll, a zoom or a new selection redraws thousands of
 * frames, and the page's colour, its CSS string and the label's cut cost more than the drawing.
 */
interface FramePaint {
  readonly fill: string;
  /** Light fill: dark text and hatching on it. */
  readonly light: boolean;
  /** The label as cut for cutWidth (px); cut again at another width. */
  label?: string;
  cutWidth?: number;
}

export class FlameCanvas {
  /** Place these in the page: the viewport and the tooltip in one positioned container. */
  readonly viewport: HTMLElement;
  readonly crumbs = element('nav', { class: 'flame-crumbs', 'aria-label': 'Zoom' });
  readonly tooltip = element('div', { class: 'flame-tooltip', role: 'tooltip' });
  readonly announcer = element('div', { class: 'visually-hidden', 'aria-live': 'polite' });
  orientation: FlameOrientation = 'icicle';
  private graphShown?: FlameGraph;
  private focusNode?: FlameNode;
  private selected?: FlameNode;
  /** The drawn rects by row (for drawing, hit tests and keyboard moves). */
  private rows = new FlameRows([]);
  private matches: ReadonlySet<FlameNode> | null = null;
  private readonly spacer = element('div', { class: 'flame-spacer' });
  private readonly canvas = element('canvas', { class: 'flame-canvas', 'aria-hidden': 'true' });
  private paints = new Map<FlameNode, FramePaint>();
  private fitter?: TextFitter;
  private fitterFont = '';
  /** The context's fill style as last set while drawing (reading it back gives it normalised). */
  private fillSet = '';
  private drawQueued = false;
  private laidOutWidth = 0;
  private shown = false;

  constructor(
    private readonly frames: FlameFrames,
    /** The viewport's accessible name: what the keys do. */
    ariaLabel: string,
  ) {
    this.viewport = element('div', {
      class: 'flame-viewport',
      tabindex: '0',
      role: 'application',
      'aria-roledescription': 'flame graph',
      'aria-label': ariaLabel,
    });
    this.viewport.append(this.spacer, this.canvas);
    this.viewport.addEventListener('scroll', () => this.requestDraw());
    this.viewport.addEventListener('mousemove', (event) => this.hover(event));
    this.viewport.addEventListener('mouseleave', () => this.hideTooltip());
    this.viewport.addEventListener('click', (event) => {
      const node = this.nodeAtEvent(event);
      if (node) this.zoom(node);
    });
    this.viewport.addEventListener('dblclick', (event) => {
      const node = this.nodeAtEvent(event);
      if (node && this.frames.doubleClick) this.frames.doubleClick(node);
    });
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    // The layout leaves out frames under a pixel, so it depends on the width: a new width
    // (the tab shown for the first time, the editor resized) lays the frames out again.
    new ResizeObserver(() => {
      if (this.viewport.clientWidth !== this.laidOutWidth) this.relayout();
      else this.requestDraw();
    }).observe(this.viewport);
    // A theme change swaps the CSS variables the canvas colours are read from.
    new MutationObserver(() => this.queueDraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  get graph(): FlameGraph | undefined {
    return this.graphShown;
  }

  get focus(): FlameNode | undefined {
    return this.focusNode;
  }

  /** The tab is visible: drawing starts (a hidden canvas has no size). */
  show(): void {
    this.shown = true;
    this.requestDraw();
  }

  focusGraph(): void {
    this.viewport.focus();
  }

  /** A new graph, zoomed where the same path of functions still exists (the zoom's path before). */
  setGraph(graph: FlameGraph, matches: ReadonlySet<FlameNode> | null = null): void {
    const path = this.focusNode ? functionPath(this.focusNode) : [];
    this.graphShown = graph;
    this.paints.clear();
    this.selected = undefined;
    this.matches = matches;
    let focus = graph.root;
    for (const fn of path) {
      const next: FlameNode | undefined = focus.children.find((c) => c.kind === 'function' && c.fn === fn);
      if (!next) break;
      focus = next;
    }
    this.focusNode = focus;
    this.relayout();
  }

  /** Frames to highlight (the rest dimmed); null for none. */
  setMatches(matches: ReadonlySet<FlameNode> | null): void {
    this.matches = matches;
    this.requestDraw();
  }

  zoom(node: FlameNode | undefined): void {
    if (!node || !this.graphShown) return;
    this.focusNode = node;
    // Laid out before the selection's announcement changes the page: the layout reads the
    // viewport's size and scroll, which after a change would make the browser lay out the page first.
    this.relayout();
    this.select(node);
  }

  /** The page changed how frames are laid out or drawn (orientation, colours, labels): again, anew. */
  layout(): void {
    this.paints.clear();
    this.relayout();
  }

  /** A new zoom, width or graph: the frames laid out again, each drawn as the page last said. */
  private relayout(): void {
    if (!this.graphShown || !this.focusNode) return;
    this.laidOutWidth = this.viewport.clientWidth;
    const width = Math.max(1, this.laidOutWidth);
    this.rows = new FlameRows(layoutFlame(this.graphShown, this.focusNode, MIN_FRAME_PX / width));
    const height = (this.graphShown.height + 1) * ROW_HEIGHT;
    const wasAtBottom = this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - 2;
    this.spacer.style.height = `${height}px`;
    if (this.orientation === 'flame' && (wasAtBottom || this.viewport.scrollTop === 0)) this.viewport.scrollTop = height;
    this.renderCrumbs();
    this.frames.laidOut?.();
    this.requestDraw();
  }

  /** The page's labels or colours changed (a new colouring, say): the next frame draws with the new ones. */
  queueDraw(): void {
    this.paints.clear();
    this.requestDraw();
  }

  /** Draws in the next animation frame (once however often asked): what the page gives each frame is kept. */
  private requestDraw(): void {
    if (this.drawQueued || !this.shown) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  private renderCrumbs(): void {
    if (!this.focusNode) return;
    const chain = ancestry(this.focusNode);
    this.crumbs.replaceChildren(
      ...chain.map((node, i) => {
        const crumb = element('button', { type: 'button', class: 'flame-crumb' }, this.frames.label(node));
        if (i === chain.length - 1) crumb.setAttribute('aria-current', 'true');
        crumb.addEventListener('click', () => this.zoom(node));
        return crumb;
      }),
    );
  }

  /** The y of a depth's row inside the whole (scrolled) graph; a flame graph's root sits on the bottom edge. */
  private rowTop(depth: number): number {
    if (this.orientation === 'icicle') return depth * ROW_HEIGHT;
    const rows = this.graphShown ? this.graphShown.height + 1 : 1;
    const area = Math.max(rows * ROW_HEIGHT, this.viewport.clientHeight);
    return area - (depth + 1) * ROW_HEIGHT;
  }

  private draw(): void {
    if (!this.graphShown) return;
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
    const canvasTop = `${this.viewport.scrollTop}px`;
    if (canvas.style.top !== canvasTop) canvas.style.top = canvasTop;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const style = getComputedStyle(this.viewport);
    const font = `${style.fontSize} ${style.fontFamily}`;
    context.font = font;
    context.textBaseline = 'middle';
    if (!this.fitter || font !== this.fitterFont) {
      // Widths measured in another font would cut labels in the wrong place.
      this.fitter = new TextFitter((text) => context.measureText(text).width);
      this.fitterFont = font;
      for (const paint of this.paints.values()) paint.cutWidth = undefined;
    }
    const theme = themeColours(style);
    this.fillSet = '';
    let y = 0;
    const blocks: RowBlocks = {
      frame: (rect, x, w) => this.drawFrame(context, rect, x, y, w, theme),
      run: (x, w, widest) => this.drawRun(context, widest, x, y, w),
    };
    const alone = (rect: FlameRect) => rect.hidden !== undefined || rect.node === this.selected || (this.matches?.has(rect.node) ?? false);
    const top = this.viewport.scrollTop;
    // Only the rows in view: a 100,000-deep chain has as many.
    const rows = this.rows.byDepth;
    const [first, last] = this.orientation === 'icicle' ? [top, top + height] : [this.rowTop(0) + ROW_HEIGHT - top - height, this.rowTop(0) + ROW_HEIGHT - top];
    for (let depth = Math.max(0, Math.floor(first / ROW_HEIGHT) - 1); depth <= Math.min(rows.length - 1, Math.ceil(last / ROW_HEIGHT)); depth++) {
      y = this.rowTop(depth) - top;
      if (y + ROW_HEIGHT < 0 || y > height) continue;
      eachBlock(rows[depth], width, NARROW_PX, alone, blocks);
    }
    context.globalAlpha = 1;
  }

  private paintOf(node: FlameNode): FramePaint {
    let paint = this.paints.get(node);
    if (!paint) {
      const fill = this.frames.fill(node);
      this.paints.set(node, (paint = { fill: hslCss(fill), light: fill[2] > 0.55 }));
    }
    return paint;
  }

  /** Narrow frames side by side, as one block in the colour of the widest (dimmed during a search: none of them matches). */
  private drawRun(context: CanvasRenderingContext2D, widest: FlameRect, x: number, y: number, w: number): void {
    const paint = this.paintOf(widest.node);
    const alpha = this.matches !== null ? 0.35 : 1;
    if (context.globalAlpha !== alpha) context.globalAlpha = alpha;
    if (this.fillSet !== paint.fill) context.fillStyle = this.fillSet = paint.fill;
    context.fillRect(x, y, Math.max(w - 1, 0.5), ROW_HEIGHT - 1);
  }

  /** A node's callees too narrow to draw, as one grey block (marked "…" where it fits). */
  private drawHidden(context: CanvasRenderingContext2D, x: number, y: number, w: number): void {
    const alpha = this.matches !== null ? 0.2 : 0.55;
    if (context.globalAlpha !== alpha) context.globalAlpha = alpha;
    if (this.fillSet !== HIDDEN_FILL) context.fillStyle = this.fillSet = HIDDEN_FILL;
    context.fillRect(x, y, Math.max(w - 1, 0.5), ROW_HEIGHT - 1);
    if (w >= MIN_LABEL_PX / 2) {
      context.fillStyle = this.fillSet = '#ffffff';
      context.fillText('…', x + 3, y + ROW_HEIGHT / 2);
    }
  }

  private drawFrame(context: CanvasRenderingContext2D, rect: FlameRect, x: number, y: number, w: number, theme: ThemeColours): void {
    if (rect.hidden !== undefined) return this.drawHidden(context, x, y, w);
    const node = rect.node;
    const dimmed = this.matches !== null && !this.matches.has(node);
    const paint = this.paintOf(node);
    // Setting a context's style parses it: only when it changes (neighbours often share a colour).
    const alpha = dimmed ? 0.35 : 1;
    if (context.globalAlpha !== alpha) context.globalAlpha = alpha;
    if (this.fillSet !== paint.fill) context.fillStyle = this.fillSet = paint.fill;
    const drawnWidth = Math.max(w - 1, 0.5);
    context.fillRect(x, y, drawnWidth, ROW_HEIGHT - 1);
    if (node.estimated && w > 3) {
      context.save();
      context.beginPath();
      context.rect(x, y, drawnWidth, ROW_HEIGHT - 1);
      context.clip();
      context.strokeStyle = paint.light ? 'rgba(0,0,0,0.25)' : 'rgba(255,255,255,0.25)';
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
      const room = Math.floor(w - 6);
      if (paint.cutWidth !== room) {
        paint.label = this.fitter!.fit(this.frames.label(node), room);
        paint.cutWidth = room;
      }
      if (paint.label) {
        context.fillStyle = this.fillSet = paint.light ? '#1e1e1e' : '#ffffff';
        context.fillText(paint.label, x + 3, y + ROW_HEIGHT / 2);
      }
    }
    if (node === this.selected || (this.matches?.has(node) ?? false)) {
      context.globalAlpha = 1;
      context.strokeStyle = node === this.selected ? theme.focus : theme.match;
      context.lineWidth = node === this.selected ? 2 : 1;
      context.strokeRect(x + 0.5, y + 0.5, Math.max(drawnWidth - 1, 1), ROW_HEIGHT - 2);
    }
  }

  private nodeAtEvent(event: MouseEvent): FlameNode | undefined {
    const box = this.viewport.getBoundingClientRect();
    const x = (event.clientX - box.left) / Math.max(1, this.viewport.clientWidth);
    const y = event.clientY - box.top + this.viewport.scrollTop;
    const depth = this.orientation === 'icicle' ? Math.floor(y / ROW_HEIGHT) : Math.floor((this.rowTop(0) + ROW_HEIGHT - y) / ROW_HEIGHT);
    return this.rows.at(depth, x);
  }

  private hover(event: MouseEvent): void {
    const node = this.nodeAtEvent(event);
    if (!node) return this.hideTooltip();
    this.tooltip.replaceChildren(...this.frames.describe(node).map((line, i) => element('div', i === 0 ? { class: 'flame-tooltip-title' } : {}, line)));
    const box = (this.viewport.parentElement ?? this.viewport).getBoundingClientRect();
    const left = Math.min(event.clientX - box.left + 12, Math.max(0, box.width - 320));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 16}px`;
    this.tooltip.classList.add('visible');
  }

  private hideTooltip(): void {
    this.tooltip.classList.remove('visible');
  }

  select(node: FlameNode): void {
    this.selected = node;
    this.announcer.textContent = this.frames.describe(node).join(', ');
    this.requestDraw();
  }

  private scrollIntoView(node: FlameNode): void {
    const top = this.rowTop(node.depth);
    const viewport = this.viewport;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.graphShown || !this.focusNode) return;
    const current = this.selected ?? this.focusNode;
    const icicle = this.orientation === 'icicle';
    const moves: Record<string, FlameDirection> = {
      ArrowUp: icicle ? 'parent' : 'child',
      ArrowDown: icicle ? 'child' : 'parent',
      ArrowLeft: 'previous',
      ArrowRight: 'next',
    };
    const direction = moves[event.key];
    if (direction) {
      const next = this.rows.neighbour(current, direction);
      if (next) {
        this.select(next);
        this.scrollIntoView(next);
      }
    } else if (event.key === 'Enter') {
      this.frames.open(current);
    } else if (event.key === ' ') {
      this.zoom(current);
    } else if (event.key === 'Escape' || event.key === 'Backspace') {
      if (this.focusNode.parent) this.zoom(this.focusNode.parent);
    } else if (event.key === 'Home') {
      this.zoom(this.graphShown.root);
    } else if (!this.frames.key?.(event, current)) {
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
