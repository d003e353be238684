// Time series for the network page, drawn with uPlot (served from the jar's WebJar, no CDN).

import uPlot from '../../../webjars/uplot/1.6.30/dist/uPlot.esm.js';

/** Seconds of history kept and shown. */
export const WINDOW_S = 300;
/** The shortest time span drawn: a page open for less than WINDOW_S shows what it has, at least this wide. */
const MIN_SPAN_S = 60;

const PALETTE = ['#4f46e5', '#0ea5e9', '#16a34a', '#f59e0b', '#db2777', '#7c3aed', '#0d9488', '#dc2626'];
export const colour = (i) => PALETTE[i % PALETTE.length];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * A chart of named series over time: push() samples, the chart keeps the last WINDOW_S seconds.
 * Re-created when the set of series changes or the colour scheme flips.
 */
export class TimeChart {
  constructor(container, { unit, decimals = 1, max = null }) {
    this.container = container;
    this.unit = unit;
    this.decimals = decimals;
    this.max = max;
    this.names = [];
    this.times = [];
    this.values = new Map(); // name -> array aligned with times
    this.plot = null;
    new ResizeObserver(() => this.resize()).observe(container);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.rebuild());
    this.rebuild();
  }

  /** One sample: t in seconds, values: Map name -> number (a missing name is a gap). */
  push(t, values) {
    this.times.push(t);
    for (const name of values.keys()) {
      if (!this.values.has(name)) this.values.set(name, new Array(this.times.length - 1).fill(null));
    }
    for (const [name, arr] of this.values) arr.push(values.has(name) ? values.get(name) : null);
    while (this.times.length && this.times[0] < t - WINDOW_S) {
      this.times.shift();
      for (const arr of this.values.values()) arr.shift();
    }
    for (const [name, arr] of [...this.values]) if (arr.every((v) => v === null)) this.values.delete(name);
    const names = [...this.values.keys()];
    if (names.join('\n') !== this.names.join('\n')) {
      this.names = names;
      this.rebuild();
    } else if (this.plot) {
      this.plot.setData(this.data());
    }
  }

  /** Keeps at most n series, the ones with the highest latest value first. */
  limit(n) {
    if (this.values.size <= n) return;
    const last = (arr) => arr[arr.length - 1] ?? -1;
    const keep = new Set([...this.values].sort((a, b) => last(b[1]) - last(a[1])).slice(0, n).map(([k]) => k));
    for (const k of [...this.values.keys()]) if (!keep.has(k)) this.values.delete(k);
  }

  data() {
    return [this.times, ...this.names.map((n) => this.values.get(n))];
  }

  rebuild() {
    if (this.plot) this.plot.destroy();
    this.plot = null;
    while (this.container.firstChild) this.container.firstChild.remove();
    if (this.names.length === 0) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = 'Nothing to plot yet';
      this.container.append(p);
      return;
    }
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, ticks: { stroke: cssVar('--border') } };
    const fmt = (u, v) => (v === null || v === undefined ? '–' : `${v.toFixed(this.decimals)} ${this.unit}`);
    const opts = {
      width: Math.max(200, this.container.clientWidth),
      height: 220,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: (u, min, max) => [Math.max(max - WINDOW_S, Math.min(min, max - MIN_SPAN_S)), max] }, y: { range: (u, min, max) => [0, Math.max(this.max ?? 0, max * 1.15 || 1)] } },
      axes: [axis, { ...axis, size: 56, values: (u, vals) => vals.map((v) => `${+v.toFixed(2)}`) }],
      series: [{}, ...this.names.map((name, i) => ({
        label: name, stroke: colour(i), width: 2, value: fmt, spanGaps: false, points: { show: false },
      }))],
    };
    this.plot = new uPlot(opts, this.data(), this.container);
  }

  resize() {
    if (this.plot) this.plot.setSize({ width: Math.max(200, this.container.clientWidth), height: 220 });
  }
}
