/**
 * Cutting labels to fit a width, for text drawn on a canvas (the flame graph's frame names).
 * measureText is the costly part of drawing a few hundred labels per frame, so widths are
 * measured once per character and added up: a label's width and where to cut it cost no
 * measuring once its characters were seen. Kerning is left out: the sum may differ from the
 * drawn width by a fraction of a pixel per pair, which the caller's padding absorbs.
 */

const ELLIPSIS = '…';

export class TextFitter {
  private readonly charWidths = new Map<string, number>();
  private readonly fitted = new Map<string, string>();

  constructor(
    /** The width of a text in the font drawn with (a canvas context's measureText). */
    private readonly measure: (text: string) => number,
  ) {}

  /** text, or its longest start followed by "…" that fits width; '' when not even "…" fits. */
  fit(text: string, width: number): string {
    // Frames are laid out once per zoom and drawn on every scroll and selection: the same
    // label at the same whole-pixel width comes back many times.
    const key = `${Math.floor(width)}\u0000${text}`;
    let result = this.fitted.get(key);
    if (result === undefined) {
      result = this.cut(text, Math.floor(width));
      if (this.fitted.size > 20_000) this.fitted.clear();
      this.fitted.set(key, result);
    }
    return result;
  }

  private cut(text: string, width: number): string {
    let total = 0;
    for (const char of text) total += this.charWidth(char);
    if (total <= width) return text;
    const room = width - this.charWidth(ELLIPSIS);
    let used = 0;
    let end = 0;
    for (const char of text) {
      const next = used + this.charWidth(char);
      if (next > room) break;
      used = next;
      end += char.length;
    }
    return end > 0 ? `${text.slice(0, end)}${ELLIPSIS}` : '';
  }

  private charWidth(char: string): number {
    let width = this.charWidths.get(char);
    if (width === undefined) this.charWidths.set(char, (width = this.measure(char)));
    return width;
  }
}
