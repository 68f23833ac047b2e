/**
 * Colours and pen widths of the call graph, on gprof2dot's default hot-to-cold scale:
 * HSL interpolated linearly (gamma 1) from cold (h=2/3, s=0.80, l=0.25), a dark blue,
 * to hot (h=0, s=1.0, l=0.5), pure red. The middleware's .dot writer uses the same scale,
 * so both graphs colour a function alike.
 */

/** Hue, saturation, lightness, each in 0..1. */
export type Hsl = readonly [number, number, number];

export const COLD: Hsl = [2 / 3, 0.8, 0.25];
export const HOT: Hsl = [0, 1, 0.5];

/**
 * The same hues for strokes and text drawn straight on a dark background: the cold end's
 * lightness 0.25 is nearly invisible on a dark editor, so both ends are lifted. Node fills
 * keep the light scale, because their white text needs a dark fill.
 */
export const COLD_ON_DARK: Hsl = [2 / 3, 0.8, 0.7];
export const HOT_ON_DARK: Hsl = [0, 1, 0.62];

/** Light or dark editor background: decides which scale strokes and free text use. */
export type GraphThemeKind = 'light' | 'dark';

function clamp01(value: number): number {
  if (!(value > 0)) return 0; // also maps NaN to 0
  return value > 1 ? 1 : value;
}

/** CSS's HSL to RGB conversion, each channel in 0..1. */
export function hslToRgb([h, s, l]: Hsl): [number, number, number] {
  const hue = ((h % 1) + 1) % 1;
  const m2 = l <= 0.5 ? l * (1 + s) : l + s - l * s;
  const m1 = 2 * l - m2;
  const channel = (t: number): number => {
    const x = ((t % 1) + 1) % 1;
    if (x < 1 / 6) return m1 + (m2 - m1) * x * 6;
    if (x < 1 / 2) return m2;
    if (x < 2 / 3) return m1 + (m2 - m1) * (2 / 3 - x) * 6;
    return m1;
  };
  return [channel(hue + 1 / 3), channel(hue), channel(hue - 1 / 3)];
}

export function rgbHex([r, g, b]: [number, number, number]): string {
  const byte = (c: number) =>
    Math.round(clamp01(c) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${byte(r)}${byte(g)}${byte(b)}`;
}

/** The colour a weight (0..1, clamped) takes between two ends of a scale. */
export function interpolate(cold: Hsl, hot: Hsl, weight: number): Hsl {
  const w = clamp01(weight);
  return [cold[0] + (hot[0] - cold[0]) * w, cold[1] + (hot[1] - cold[1]) * w, cold[2] + (hot[2] - cold[2]) * w];
}

/** The fill of a node of this weight (fraction of the request): gprof2dot's colour. */
export function heatColor(weight: number): string {
  return rgbHex(hslToRgb(interpolate(COLD, HOT, weight)));
}

/** The colour of an edge, or of text drawn on the background, for this weight and theme. */
export function strokeColor(weight: number, theme: GraphThemeKind): string {
  return theme === 'dark' ? rgbHex(hslToRgb(interpolate(COLD_ON_DARK, HOT_ON_DARK, weight))) : heatColor(weight);
}

/** gprof2dot's pen width: proportional to the weight, never thinner than half a point. */
export function penWidth(weight: number): number {
  return Math.max(4 * clamp01(weight), 0.5);
}

/** The hot path is drawn in red and this much thicker than its weight alone would make it. */
export const HOT_PATH_COLOR = '#ff0000';
export const HOT_PATH_COLOR_ON_DARK = '#ff4d4d';
export const HOT_PATH_EXTRA_WIDTH = 2;

export function hotPathColor(theme: GraphThemeKind): string {
  return theme === 'dark' ? HOT_PATH_COLOR_ON_DARK : HOT_PATH_COLOR;
}
