/**
 * The diff view's Flame tab: a differential flame graph. The frames are B's (width by B's time),
 * each coloured by how its own time changed from A: red slower, blue-green faster, grey
 * unchanged, stronger for larger changes (src/core/compareTrees.ts, changeColour). What ran in A
 * but has no frame in B cannot have a width in B's graph: those paths are listed under the
 * graph with their time in A (Enter or a click opens their source), and a frame's tooltip names
 * the children it lost. Enter or a double-click on a frame opens its source. Drawing, zoom,
 * hover and keys are the shared canvas's (webview/shared/flameCanvas.ts), as in the profile
 * view's Flame tab.
 */
import type { CompareMode, CompareTreeNode } from '../../src/compareView/protocol';
import { changeColour, differentialFlame, largestSelfChange, selfChangeIn, type DifferentialFlame, type TreeComparison } from '../../src/core/compareTrees';
import type { FlameNode } from '../../src/core/flameGraph';
import { formatMs } from '../../src/core/format';
import { visibleText } from '../../src/core/displayText';
import { codicon, element } from '../shared/dom';
import { FlameCanvas, type Hsl } from '../shared/flameCanvas';
import { changeTexts, nodeTexts } from './rows';

/** The vanished paths listed under the graph, largest in A first. */
const MAX_VANISHED_LISTED = 50;

export class CompareFlameTab {
  readonly element: HTMLElement;
  private tree: TreeComparison | undefined;
  private flame: DifferentialFlame | undefined;
  private mode: CompareMode = 'absolute';
  private largest = 0;
  private readonly canvas: FlameCanvas;
  private readonly orientationButton = element('button', { type: 'button', class: 'flame-button' });
  private readonly vanished = element('details', { class: 'flame-vanished' });

  constructor(private readonly open: (node: CompareTreeNode) => void) {
    this.canvas = new FlameCanvas(
      {
        label: (frame) => this.label(frame),
        fill: (frame) => this.fill(frame),
        describe: (frame) => this.describe(frame),
        open: (frame) => this.openFrame(frame),
        doubleClick: (frame) => this.openFrame(frame),
      },
      'Differential flame graph of B: arrows move, Enter opens the source, Space zooms in, Escape zooms out',
    );
    const home = element('button', { type: 'button', class: 'flame-button', title: 'Show the whole request (Home)' }, codicon('home'), 'Whole request');
    home.addEventListener('click', () => this.canvas.zoom(this.canvas.graph?.root));
    this.orientationButton.addEventListener('click', () => {
      this.canvas.orientation = this.canvas.orientation === 'icicle' ? 'flame' : 'icicle';
      this.renderButton();
      this.canvas.layout();
    });
    this.renderButton();
    const legend = element(
      'div',
      { class: 'legend muted flame-status' },
      'Frames of B, as wide as their time in B; coloured by the change of their own time: ',
      element('span', { class: 'swatch slower' }),
      ' slower, ',
      element('span', { class: 'swatch faster' }),
      ' faster, ',
      element('span', { class: 'swatch unchanged' }),
      ' unchanged. Hatched: estimates. Hover a frame for A, B and the change.',
    );
    const toolbar = element('div', { class: 'flame-toolbar' }, home, this.orientationButton, this.canvas.crumbs);
    this.element = element('div', { class: 'flame-tab' }, toolbar, this.canvas.viewport, legend, this.vanished, this.canvas.announcer, this.canvas.tooltip);
  }

  /** A new comparison rebuilds B's frames; a new mode only recolours them. */
  show(tree: TreeComparison, mode: CompareMode): void {
    if (tree !== this.tree) {
      this.tree = tree;
      this.flame = differentialFlame(tree);
      this.mode = mode;
      this.largest = largestSelfChange(tree, mode);
      this.canvas.setGraph(this.flame.graph);
    } else {
      this.mode = mode;
      this.largest = largestSelfChange(tree, mode);
      this.canvas.queueDraw();
    }
    this.renderVanished();
  }

  /** The tab is visible: the canvas can draw. */
  shown(): void {
    this.canvas.show();
  }

  focus(): void {
    this.canvas.focusGraph();
  }

  private renderButton(): void {
    const icicle = this.canvas.orientation === 'icicle';
    this.orientationButton.replaceChildren(codicon(icicle ? 'arrow-down' : 'arrow-up'), icicle ? 'Icicle' : 'Flame');
    this.orientationButton.title = icicle ? 'Root at the top; click for root at the bottom (flame)' : 'Root at the bottom; click for root at the top (icicle)';
  }

  private openFrame(frame: FlameNode): void {
    const node = this.flame?.differenceOf(frame);
    if (node && node.kind === 'function') this.open(node);
  }

  private label(frame: FlameNode): string {
    return visibleText(this.flame?.differenceOf(frame).name ?? '');
  }

  private fill(frame: FlameNode): Hsl {
    const node = this.flame?.differenceOf(frame);
    if (!node || node.kind === 'root') return [0, 0, 0.5];
    return changeColour(node, this.largest, this.mode);
  }

  private describe(frame: FlameNode): string[] {
    const tree = this.tree;
    const node = this.flame?.differenceOf(frame);
    if (!tree || !node) return [];
    const texts = nodeTexts(node, this.mode, tree.totalA, tree.totalB);
    const own = (times: CompareTreeNode['a']) => (times ? formatMs(times.self * 1000) : '—');
    const lines = [
      `${texts.name}${texts.statusWord ? ` (${texts.statusWord})` : ''}`,
      `Total: A ${texts.a}, B ${texts.b}, change ${texts.change} (${texts.direction})`,
    ];
    if (node.kind !== 'root') lines.push(`Own: A ${own(node.a)}, B ${own(node.b)}, change ${changeTexts(selfChangeIn(node, this.mode), this.mode).change}`);
    if (node.file) lines.push(`${visibleText(node.file)}:${node.line}`);
    const gone = node.children.map((i) => tree.nodes[i]).filter((child) => !child.b);
    if (gone.length) {
      const listed = gone.slice(0, 3).map((child) => `${visibleText(child.name)} (A ${formatMs((child.a?.total ?? 0) * 1000)})`);
      lines.push(`Not in B below it: ${listed.join(', ')}${gone.length > 3 ? `, and ${gone.length - 3} more` : ''}`);
    }
    if (node.estimated) lines.push('Estimate: a function on its path has several callers, and cProfile keeps no paths');
    return lines;
  }

  /** What ran in A and has no frame in B: listed with the path to it and its time in A. */
  private renderVanished(): void {
    const tree = this.tree;
    const flame = this.flame;
    if (!tree || !flame) return;
    const gone = flame.vanished;
    if (gone.length === 0) {
      this.vanished.hidden = true;
      return;
    }
    this.vanished.hidden = false;
    const pathOf = (node: CompareTreeNode) => {
      const names: string[] = [];
      for (let n: CompareTreeNode | undefined = node; n && n.parent >= 0; n = n.parent > 0 ? tree.nodes[n.parent] : undefined) names.push(visibleText(n.name));
      return names.reverse().join(' › ');
    };
    const items = gone.slice(0, MAX_VANISHED_LISTED).map((node) => {
      const text = `${pathOf(node)}: ${formatMs((node.a?.total ?? 0) * 1000)} in A`;
      if (node.kind !== 'function') return element('li', {}, text);
      const button = element('button', { type: 'button', class: 'link-button', title: 'Open the source (A)' }, codicon('diff-removed'), text);
      button.addEventListener('click', () => this.open(node));
      return element('li', {}, button);
    });
    const more = gone.length > MAX_VANISHED_LISTED ? [element('li', { class: 'muted' }, `and ${gone.length - MAX_VANISHED_LISTED} more`)] : [];
    this.vanished.replaceChildren(
      element('summary', {}, `Not in B: ${gone.length} path${gone.length === 1 ? '' : 's'} of A (no width in B's graph)`),
      element('ul', {}, ...items, ...more),
    );
  }
}
