/**
 * A list that puts only its visible rows in the DOM: rows have one fixed height, a spacer
 * gives the scroll area its full height, and the rows in view are drawn at their offsets.
 * A tree of 100,000 open rows costs the same to draw as one of 40. A drawn row whose key is
 * still on screen keeps its element wherever it moves: after an expand, the rows below the
 * expanded one only move down (a transform, no new content, so no style or layout work for
 * them), and only the rows inserted are rendered. Used by the call tree, the function table
 * and the callers view, which supply the rows' content and keys.
 *
 * It owns the selection (one row) and the keys every list shares (up/down, page up/down,
 * Home/End); the owner handles the rest through onKey. Focus stays on the list element and
 * aria-activedescendant names the selected row, as in VS Code's own lists.
 */
import { element } from './dom';

export const ROW_HEIGHT = 22;

export interface VirtualListSource {
  count(): number;
  /**
   * Builds a pooled row's inner elements once; render() then only updates them. Without it,
   * render() gets an emptied row and builds its content anew each time. With it, scrolling and
   * expanding create no DOM, so no garbage for the collectors, whose pauses were the slowest
   * expands of a large call tree (docs/measurements.md, "The profile view's pauses").
   */
  createRow?(row: HTMLElement): void;
  /** Fill row for this index (emptied first unless the source has createRow); the row element itself is reused. */
  render(index: number, row: HTMLElement, selected: boolean): void;
  /**
   * What a row's content depends on besides its index and selection (node id, expanded,
   * highlighted...). A drawn row whose key is unchanged is not rendered again: after an
   * expand, the rows above it stay as they are.
   */
  key(index: number): string;
}

export interface VirtualListOptions {
  /** For the list's id prefix and aria-label. */
  name: string;
  label: string;
  role: 'tree' | 'grid' | 'listbox';
  rowRole: 'treeitem' | 'row' | 'option';
  /** Keys other than navigation; return true when handled. */
  onKey?: (event: KeyboardEvent, index: number) => boolean;
  onSelect?: (index: number) => void;
}

/** Rows drawn beyond the viewport on each side, so fast scrolling shows no gaps. */
const OVERSCAN = 8;

export class VirtualList {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly rows: HTMLDivElement[] = [];
  private selected = -1;
  private frame = 0;
  private drawnFrom = 0;
  private drawnCount = 0;

  constructor(
    private readonly source: VirtualListSource,
    private readonly options: VirtualListOptions,
  ) {
    this.spacer = element('div', { class: 'vlist-spacer' });
    this.element = element('div', { class: 'vlist', tabindex: '0', role: options.role, 'aria-label': options.label }, this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.element.addEventListener('mousedown', (event) => {
      const index = this.indexAt(event.target);
      if (index !== undefined) this.select(index, false);
    });
    // Hidden tabs have no height: draw again when the list gets its size.
    new ResizeObserver(() => this.draw()).observe(this.element);
  }

  get selectedIndex(): number {
    return this.selected;
  }

  /** Rows currently in the DOM (for the view's state report: proof of virtualisation). */
  get renderedCount(): number {
    return this.drawnCount;
  }

  /** The index of the row an event target is in, if any. */
  indexAt(target: EventTarget | null): number | undefined {
    const row = (target as HTMLElement | null)?.closest?.('.vrow') as HTMLElement | null;
    if (!row || !this.element.contains(row)) return undefined;
    const index = Number(row.dataset.index);
    return Number.isInteger(index) ? index : undefined;
  }

  /** The row count or contents changed: redraw now (synchronously, so callers can measure it). */
  refresh(): void {
    const count = this.source.count();
    if (this.selected >= count) this.selected = count - 1;
    this.draw();
  }

  select(index: number, reveal = true): void {
    const count = this.source.count();
    if (!count) return;
    const next = Math.max(0, Math.min(count - 1, index));
    const changed = next !== this.selected;
    this.selected = next;
    if (reveal) this.reveal(next);
    this.draw();
    if (changed) this.options.onSelect?.(next);
  }

  /** Scroll so that the row is in view; center puts it mid-list (after a jump). */
  reveal(index: number, center = false): void {
    const height = this.element.clientHeight;
    const top = index * ROW_HEIGHT;
    if (center) {
      this.element.scrollTop = Math.max(0, top - height / 2 + ROW_HEIGHT / 2);
    } else if (top < this.element.scrollTop) {
      this.element.scrollTop = top;
    } else if (top + ROW_HEIGHT > this.element.scrollTop + height) {
      this.element.scrollTop = top + ROW_HEIGHT - height;
    }
  }

  focus(): void {
    this.element.focus({ preventScroll: true });
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const count = this.source.count();
    // Geometry is read before anything is written: a read after a write makes the browser lay
    // the page out there and then, and again once the rows have changed (two layouts per expand).
    let height = this.element.clientHeight || ROW_HEIGHT * 30;
    let scrollTop = this.element.scrollTop;
    const spacerHeight = `${count * ROW_HEIGHT}px`;
    if (this.spacer.style.height !== spacerHeight) {
      this.spacer.style.height = spacerHeight;
      // Fewer rows than the view showed: the browser pulls the scroll position back, read it again.
      if (count * ROW_HEIGHT < scrollTop + height) {
        height = this.element.clientHeight || ROW_HEIGHT * 30;
        scrollTop = this.element.scrollTop;
      }
    }
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (this.rows.length < needed) {
      const row = element('div', { class: 'vrow', role: this.options.rowRole });
      this.source.createRow?.(row);
      this.rows.push(row);
      this.element.append(row);
    }
    const size = this.rows.length;
    // Drawn rows by what they show, to be kept by the rows that still show it.
    const byKey = new Map<string, number>();
    for (let slot = 0; slot < size; slot++) {
      const row = this.rows[slot];
      if (row.dataset.index !== undefined && row.dataset.key !== undefined) byKey.set(row.dataset.key, slot);
    }
    const used = new Uint8Array(size);
    const keys: string[] = [];
    const unplaced: number[] = [];
    for (let index = first; index < last; index++) {
      const key = `${this.source.key(index)}|${index === this.selected}`;
      keys.push(key);
      const slot = byKey.get(key);
      if (slot === undefined || used[slot]) {
        unplaced.push(index);
        continue;
      }
      used[slot] = 1;
      this.place(this.rows[slot], index);
    }
    // The other rows get the elements left over, and their content.
    let free = 0;
    for (const index of unplaced) {
      while (used[free]) free++;
      used[free] = 1;
      const row = this.rows[free];
      const selected = index === this.selected;
      row.dataset.key = keys[index - first];
      this.place(row, index);
      row.className = selected ? 'vrow selected' : 'vrow';
      row.setAttribute('aria-selected', String(selected));
      if (!this.source.createRow) row.replaceChildren();
      this.source.render(index, row, selected);
    }
    for (let slot = 0; slot < size; slot++) {
      if (used[slot]) continue;
      const row = this.rows[slot];
      if (row.hidden) continue;
      row.hidden = true;
      row.removeAttribute('id');
      delete row.dataset.index;
    }
    this.drawnFrom = first;
    this.drawnCount = needed;
    if (this.selected >= first && this.selected < last) this.element.setAttribute('aria-activedescendant', `${this.options.name}-row-${this.selected}`);
    else this.element.removeAttribute('aria-activedescendant');
  }

  /** Puts a row element at an index (its position, id and index), touching only what changes. */
  private place(row: HTMLDivElement, index: number): void {
    row.hidden = false;
    const indexText = String(index);
    if (row.dataset.index === indexText) return;
    row.dataset.index = indexText;
    row.id = `${this.options.name}-row-${index}`;
    row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const count = this.source.count();
    if (!count) return;
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 1);
    const current = this.selected < 0 ? this.drawnFrom : this.selected;
    let target: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        target = this.selected < 0 ? current : current + 1;
        break;
      case 'ArrowUp':
        target = current - 1;
        break;
      case 'PageDown':
        target = current + page;
        break;
      case 'PageUp':
        target = current - page;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = count - 1;
        break;
    }
    if (target !== undefined && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.select(target);
      return;
    }
    if (this.options.onKey?.(event, Math.max(0, this.selected))) event.preventDefault();
  }
}
