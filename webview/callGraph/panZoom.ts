/**
 * Pan and zoom of one element (the graph's SVG) inside a viewport, by a CSS transform:
 * drag to pan, Ctrl/Cmd + wheel (and trackpad pinch, which arrives as a Ctrl + wheel) to
 * zoom around the pointer, plain wheel to pan as in xdot; keyboard and buttons call the
 * same methods.
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

  constructor(
    private readonly viewport: HTMLElement,
    private content: SVGElement | undefined = undefined,
  ) {
    viewport.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.attachDrag();
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
    this.apply();
  }

  /** Zoom by factor around a viewport point (default: the viewport's centre). */
  zoomBy(factor: number, atX = this.viewport.clientWidth / 2, atY = this.viewport.clientHeight / 2): void {
    const scale = clampScale(this.scale * factor);
    const applied = scale / this.scale;
    this.x = atX - (atX - this.x) * applied;
    this.y = atY - (atY - this.y) * applied;
    this.scale = scale;
    this.apply();
  }

  panBy(dx: number, dy: number): void {
    this.x += dx;
    this.y += dy;
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
    this.apply();
  }

  /** True when the rectangle (content pixels) is entirely inside the viewport. */
  isVisible(rect: { x: number; y: number; width: number; height: number }): boolean {
    const left = this.x + rect.x * this.scale;
    const top = this.y + rect.y * this.scale;
    return (
      left >= 0 &&
      top >= 0 &&
      left + rect.width * this.scale <= this.viewport.clientWidth &&
      top + rect.height * this.scale <= this.viewport.clientHeight
    );
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
