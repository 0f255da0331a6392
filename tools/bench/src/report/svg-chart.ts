// chart.svg, written by hand (no charting library): two panels of horizontal bars, requests per second
// and p95 latency per gateway. Failing gateways get an empty bar marked FAILING, not a fast one.

export interface ChartBar {
  label: string;
  rps?: number;
  p95Ms?: number;
  failing: boolean;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const LABEL_WIDTH = 300;
const PANEL_WIDTH = 330;
const BAR_HEIGHT = 22;
const BAR_GAP = 10;
const TOP = 56;
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2'];

function panel(bars: ChartBar[], x: number, title: string, value: (bar: ChartBar) => number | undefined, unit: string): string[] {
  const values = bars.map((bar) => (bar.failing ? undefined : value(bar)));
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const width = PANEL_WIDTH - 70;
  const parts = [`<text x="${x}" y="${TOP - 16}" font-weight="bold">${escapeXml(title)}</text>`];
  bars.forEach((bar, i) => {
    const y = TOP + i * (BAR_HEIGHT + BAR_GAP);
    const v = values[i];
    if (v === undefined) {
      parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="none" stroke="#999" stroke-dasharray="4 3"/>`);
      parts.push(`<text x="${x + 6}" y="${y + 15}" fill="#c00">FAILING</text>`);
      return;
    }
    const length = Math.max(1, (v / max) * width);
    parts.push(`<rect x="${x}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${(x + length + 6).toFixed(1)}" y="${y + 15}">${escapeXml(`${v.toFixed(v >= 100 ? 0 : 1)} ${unit}`)}</text>`);
  });
  return parts;
}

export function renderChart(title: string, bars: ChartBar[]): string {
  const height = TOP + bars.length * (BAR_HEIGHT + BAR_GAP) + 20;
  const width = LABEL_WIDTH + 2 * PANEL_WIDTH + 20;
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...bars.map(
      (bar, i) => `<text x="${LABEL_WIDTH - 10}" y="${TOP + i * (BAR_HEIGHT + BAR_GAP) + 15}" text-anchor="end">${escapeXml(bar.label)}</text>`,
    ),
    ...panel(bars, LABEL_WIDTH, 'Requests per second (higher is better)', (bar) => bar.rps, 'RPS'),
    ...panel(bars, LABEL_WIDTH + PANEL_WIDTH, 'p95 latency (lower is better)', (bar) => bar.p95Ms, 'ms'),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
