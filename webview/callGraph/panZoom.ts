/**
 * Pan and zoom of one element (the graph's SVG) inside a viewport, by a CSS transform:
 * drag to pan, Ctrl/Cmd + wheel (and trackpad pinch, which arrives as a Ctrl + wheel) to
 * zoom around the pointer, plain wheel to pan as in xdot; keyboard and buttons call the
 * same methods.
 *
 * When the viewport changes size (the editor is resized or split, the window changes), a
 * view the user has not moved since it was last fitted is fitted again; one they zoomed,
 * panned or centred on a function keeps the point at its centre where it was, at the same
 * zoom: their view is not taken from them. Fit (0) makes the view follow the size again.
 */
const MIN_SCALE = 0.02;
const MAX_SCALE = 8;
/** A press that moves less than this is a click, not a drag. */
export const CLICK_SLOP_PX = 4;

export class PanZoom {
  private x = 0;
  private y = 0;
  private scale = 1;
  private width = 0;
  private height = 0;
  /** Nothing but fit() has placed the content since it was last fitted (or ever). */
  private fitted = true;
  private viewportWidth: number;
  private viewportHeight: number;

  constructor(
    private readonly viewport: HTMLElement,
    private content: SVGElement | undefined = undefined,
  ) {
    this.viewportWidth = viewport.clientWidth;
    this.viewportHeight = viewport.clientHeight;
    viewport.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.attachDrag();
    new ResizeObserver(() => this.onResize()).observe(viewport);
  }

  /** Whether the view follows the viewport's size (no zoom, pan or centring since the last fit). */
  get followsSize(): boolean {
    return this.fitted;
  }

  /** Show new content of this natural size (CSS pixels), keeping the view unless fit is asked. */
  setContent(content: SVGElement, width: number, height: number): void {
    this.content = content;
    this.width = width;
    this.height = height;
    this.apply();
  }

  get zoom(): number {
    return this.scale;
  }

  /** The whole graph in view, never enlarged beyond its natural size. */
  fit(): void {
    const { clientWidth: vw, clientHeight: vh } = this.viewport;
    if (!this.width || !this.height || !vw || !vh) return;
    this.scale = clampScale(Math.min(vw / this.width, vh / this.height, 1) * 0.98);
    this.x = (vw - this.width * this.scale) / 2;
    this.y = Math.max(0, (vh - this.height * this.scale) / 2);
    this.fitted = true;
    this.apply();
  }

  /** Zoom by factor around a viewport point (default: the viewport's centre). */
  zoomBy(factor: number, atX = this.viewport.clientWidth / 2, atY = this.viewport.clientHeight / 2): void {
    const scale = clampScale(this.scale * factor);
    const applied = scale / this.scale;
    this.x = atX - (atX - this.x) * applied;
    this.y = atY - (atY - this.y) * applied;
    this.scale = scale;
    this.fitted = false;
    this.apply();
  }

  panBy(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
    this.fitted = false;
    this.apply();
  }

  /**
   * Bring a rectangle of the content (in content pixels) to the viewport's centre, zooming
   * in to at least minScale so a focused node's text can be read.
   */
  centerOn(rect: { x: number; y: number; width: number; height: number }, minScale = 0.8): void {
    if (this.scale < minScale) this.scale = clampScale(minScale);
    const { clientWidth: vw, clientHeight: vh } = this.viewport;
    this.x = vw / 2 - (rect.x + rect.width / 2) * this.scale;
    this.y = vh / 2 - (rect.y + rect.height / 2) * this.scale;
    this.fitted = false;
    this.apply();
  }

  /** True when the rectangle (content pixels) is entirely inside the viewport. */
  isVisible(rect: { x: number; y: number; width: number; height: number }): boolean {
    const left = this.x + rect.x * this.scale;
    const top = this.y + rect.y * this.scale;
    return left >= 0 && top >= 0 && left + rect.width * this.scale <= this.viewport.clientWidth && top + rect.height * this.scale <= this.viewport.clientHeight;
  }

  private onResize(): void {
    const { clientWidth: vw, clientHeight: vh } = this.viewport;
    if (vw === this.viewportWidth && vh === this.viewportHeight) return;
    // A hidden editor has no size: keep the view for when it is shown again at its old size.
    if (!vw || !vh) return;
    if (this.fitted) {
      this.fit();
    } else if (this.viewportWidth && this.viewportHeight) {
      this.x += (vw - this.viewportWidth) / 2;
      this.y += (vh - this.viewportHeight) / 2;
      this.apply();
    }
    this.viewportWidth = vw;
    this.viewportHeight = vh;
  }

  private apply(): void {
    if (this.content) this.content.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const bounds = this.viewport.getBoundingClientRect();
    if (event.ctrlKey || event.metaKey) {
      this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - bounds.left, event.clientY - bounds.top);
    } else {
      this.panBy(-event.deltaX, -event.deltaY);
    }
  }

  private attachDrag(): void {
    let last: { x: number; y: number } | undefined;
    this.viewport.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      last = { x: event.clientX, y: event.clientY };
    });
    this.viewport.addEventListener('pointermove', (event) => {
      if (!last || !(event.buttons & 1)) return;
      const dx = event.clientX - last.x;
      const dy = event.clientY - last.y;
      if (!this.viewport.classList.contains('dragging') && Math.hypot(dx, dy) < CLICK_SLOP_PX) return;
      if (!this.viewport.classList.contains('dragging')) {
        this.viewport.classList.add('dragging');
        this.viewport.setPointerCapture(event.pointerId);
      }
      last = { x: event.clientX, y: event.clientY };
      this.panBy(dx, dy);
    });
    const end = () => {
      last = undefined;
      // Cleared after the click event that follows pointerup, so a drag never counts as a click.
      setTimeout(() => this.viewport.classList.remove('dragging'), 0);
    };
    this.viewport.addEventListener('pointerup', end);
    this.viewport.addEventListener('pointercancel', end);
  }
}

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}
