// The lazily loaded chart chunk (d3-scale, d3-shape and the SVG components): the first screen does not pay for it.
export { default as Histogram } from './Histogram.svelte';
export { default as SweepChart } from './SweepChart.svelte';
