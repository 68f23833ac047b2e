/**
 * A flame graph's drawn frames (layoutFlame's rects) by row, for what the canvas does on every
 * mouse move and key press: the frame under a point is a binary search in one row rather than
 * a pass over every drawn frame (thousands in a large profile). Built on every zoom, so it
 * keeps no map of frames: a frame's rect is looked up in its own row, only on a key press.
 */
import type { FlameNode, FlameRect } from './flameGraph';

export type FlameDirection = 'parent' | 'child' | 'previous' | 'next';

export class FlameRows {
  /** Each depth's rects, left to right (an empty row where nothing is drawn). */
  readonly byDepth: FlameRect[][] = [];

  constructor(rects: readonly FlameRect[]) {
    for (const rect of rects) {
      while (this.byDepth.length <= rect.depth) this.byDepth.push([]);
      this.byDepth[rect.depth].push(rect);
    }
    // layoutFlame gives each row left to right already: this sort only checks it.
    for (const row of this.byDepth) row.sort((a, b) => a.x - b.x);
  }

  /** The frame drawn at x (a fraction of the width) on a depth's row, if any. */
  at(depth: number, x: number): FlameNode | undefined {
    const row = this.byDepth[depth];
    if (!row) return undefined;
    const found = row[lastStartingAtOrBefore(row, x)];
    return found && x < found.x + found.width ? found.node : undefined;
  }

  /**
   * Keyboard moves among drawn frames: to the parent, to the widest child, or to the frame drawn
   * just left or right at the same depth (across parents). undefined when there is none.
   */
  neighbour(current: FlameNode, direction: FlameDirection): FlameNode | undefined {
    const row = this.byDepth[current.depth];
    const index = row ? row.findIndex((r) => r.node === current && r.hidden === undefined) : -1;
    if (index < 0) return undefined;
    const rect = row[index];
    if (direction === 'previous' || direction === 'next') {
      // Over "…" blocks: they stand for frames too narrow to select.
      const step = direction === 'previous' ? -1 : 1;
      let at = index + step;
      while (row[at]?.hidden !== undefined) at += step;
      return row[at]?.node;
    }
    if (direction === 'parent') return current.parent && this.at(current.depth - 1, rect.x) === current.parent ? current.parent : undefined;
    // Children are laid out in their order (heaviest first) from the parent's left edge: the
    // first drawn one is the first rect of the next row inside the parent's span.
    const below = this.byDepth[current.depth + 1];
    if (!below) return undefined;
    let first = lastStartingAtOrBefore(below, rect.x);
    if (first < 0 || below[first].x < rect.x) first++;
    const child = below[first];
    return child && child.node.parent === current ? child.node : undefined;
  }
}

/** The index of the last rect of a row (sorted by x) that starts at or before x; -1 for none. */
function lastStartingAtOrBefore(row: readonly FlameRect[], x: number): number {
  let low = 0;
  let high = row.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (row[middle].x <= x) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** What drawing a row does with its frames (eachBlock): draw one frame, or a run of narrow ones as one. */
export interface RowBlocks {
  frame(rect: FlameRect, x: number, width: number): void;
  /** Adjacent frames each narrower than narrowPx, as one block from x, coloured as the widest. */
  run(x: number, width: number, widest: FlameRect, count: number): void;
}

/**
 * A row's frames for drawing at widthPx: frames narrower than narrowPx that touch (within a
 * pixel) are one block, since slivers a pixel or two wide cannot be told apart and drawing each
 * cost most of a large graph's frame; wider frames, and those `alone` says must stand out (the
 * selection, a search match), are drawn each. A run of one frame is drawn as that frame.
 * Allocates nothing: it runs on every scroll.
 */
export function eachBlock(row: readonly FlameRect[], widthPx: number, narrowPx: number, alone: (rect: FlameRect) => boolean, blocks: RowBlocks): void {
  let runStart = 0;
  let runEnd = 0;
  let runCount = 0;
  let widest: FlameRect | undefined;
  const flush = () => {
    if (runCount === 1) blocks.frame(widest!, runStart, runEnd - runStart);
    else if (runCount > 1) blocks.run(runStart, runEnd - runStart, widest!, runCount);
    runCount = 0;
  };
  for (const rect of row) {
    const x = rect.x * widthPx;
    const w = rect.width * widthPx;
    if (w >= narrowPx || alone(rect)) {
      flush();
      blocks.frame(rect, x, w);
      continue;
    }
    if (runCount > 0 && x - runEnd > 1) flush();
    if (runCount === 0) {
      runStart = x;
      widest = rect;
    } else if (rect.width > widest!.width) {
      widest = rect;
    }
    runEnd = x + w;
    runCount++;
  }
  flush();
}
