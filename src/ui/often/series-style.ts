// How a strategy's series looks on a chart: a colour and a marker shape by position, so colour is never the only cue.

/** Marker shapes, one per series in order (then again). */
export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'bar'] as const;
export type Shape = (typeof SHAPES)[number];

export function shapeOf(i: number): Shape {
  return SHAPES[i % SHAPES.length] ?? 'circle';
}

/** An SVG path of a marker of `size` px centred on (0, 0). */
export function markerPath(shape: Shape, size = 8): string {
  const r = size / 2;
  switch (shape) {
    case 'circle':
      return `M${-r},0a${r},${r} 0 1,0 ${size},0a${r},${r} 0 1,0 ${-size},0`;
    case 'square':
      return `M${-r},${-r}h${size}v${size}h${-size}z`;
    case 'triangle':
      return `M0,${-r * 1.2}L${r * 1.1},${r * 0.9}H${-r * 1.1}z`;
    case 'diamond':
      return `M0,${-r * 1.3}L${r * 1.3},0L0,${r * 1.3}L${-r * 1.3},0z`;
    case 'cross':
      return `M${-r},${-r}L${r},${r}M${-r},${r}L${r},${-r}`;
    case 'bar':
      return `M${-r},0H${r}`;
  }
}
