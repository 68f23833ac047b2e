/**
 * The heat colour of a share of the request, for shading call-tree bars, editor hints and
 * the call graph alike: gprof2dot's default scale, HSL interpolated linearly (gamma 1) from
 * cold (h=2/3, s=0.80, l=0.25), a dark blue, to hot (h=0, s=1.0, l=0.5), pure red.
 * See /work/shared/notes/cprofile-facts.md.
 */

/** Hue, saturation, lightness, each 0..1. */
export type HeatHsl = readonly [number, number, number];

export const HEAT_COLD: HeatHsl = [2 / 3, 0.8, 0.25];
export const HEAT_HOT: HeatHsl = [0, 1, 0.5];

function clamp01(value: number): number {
  if (!(value > 0)) return 0; // NaN too: an unknown share shows cold, not black
  return value > 1 ? 1 : value;
}

/** The colour of a fraction (0..1, clamped) of the request. */
export function heatHsl(fraction: number): HeatHsl {
  const w = clamp01(fraction);
  return [
    HEAT_COLD[0] + (HEAT_HOT[0] - HEAT_COLD[0]) * w,
    HEAT_COLD[1] + (HEAT_HOT[1] - HEAT_COLD[1]) * w,
    HEAT_COLD[2] + (HEAT_HOT[2] - HEAT_COLD[2]) * w,
  ];
}

/** As CSS, e.g. "hsl(240, 80%, 25%)"; with alpha < 1, "hsla(...)" for translucent bars over theme colours. */
export function heatCss(fraction: number, alpha = 1): string {
  const [h, s, l] = heatHsl(fraction);
  const round = (x: number) => Math.round(x * 10) / 10;
  const body = `${round(h * 360)}, ${round(s * 100)}%, ${round(l * 100)}%`;
  return alpha < 1 ? `hsla(${body}, ${clamp01(alpha)})` : `hsl(${body})`;
}

/** As "#rrggbb", for places that take no CSS functions (Graphviz, editor decoration options). */
export function heatHex(fraction: number): string {
  const [h, s, l] = heatHsl(fraction);
  // The standard HSL to RGB conversion: chroma, then the hue's sector.
  const chroma = (1 - Math.abs(2 * l - 1)) * s;
  const sector = (h * 6) % 6;
  const x = chroma * (1 - Math.abs((sector % 2) - 1));
  const [r, g, b] =
    sector < 1 ? [chroma, x, 0] : sector < 2 ? [x, chroma, 0] : sector < 3 ? [0, chroma, x] : sector < 4 ? [0, x, chroma] : sector < 5 ? [x, 0, chroma] : [chroma, 0, x];
  const m = l - chroma / 2;
  const byte = (c: number) => Math.round(clamp01(c + m) * 255).toString(16).padStart(2, '0');
  return `#${byte(r)}${byte(g)}${byte(b)}`;
}
