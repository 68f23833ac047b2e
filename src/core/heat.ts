/**
 * The heat colour of a share of the request, for shading call-tree bars and editor hints:
 * the call graph's scale (gprof2dot's default, see graphColors.ts), in the forms those
 * places take. One scale everywhere, so a function is the same colour in every view.
 */
import { COLD, HOT, heatColor, interpolate, type Hsl } from './graphColors';

/** Hue, saturation, lightness, each 0..1. */
export type HeatHsl = Hsl;

export const HEAT_COLD: HeatHsl = COLD;
export const HEAT_HOT: HeatHsl = HOT;

/** The colour of a fraction (0..1, clamped; NaN shows cold) of the request. */
export function heatHsl(fraction: number): HeatHsl {
  return interpolate(COLD, HOT, fraction);
}

/** As CSS, e.g. "hsl(240, 80%, 25%)"; with alpha < 1, "hsla(...)" for translucent bars over theme colours. */
export function heatCss(fraction: number, alpha = 1): string {
  const [h, s, l] = heatHsl(fraction);
  const round = (x: number) => Math.round(x * 10) / 10;
  const body = `${round(h * 360)}, ${round(s * 100)}%, ${round(l * 100)}%`;
  return alpha < 1 ? `hsla(${body}, ${Math.min(1, Math.max(0, alpha))})` : `hsl(${body})`;
}

/** As "#rrggbb", for places that take no CSS functions (Graphviz, editor decoration options). */
export function heatHex(fraction: number): string {
  return heatColor(fraction);
}
