/**
 * Inline SVG charts for the HTML report: plain shapes and text, no script, no external
 * resource, so the file opens anywhere, offline.
 */
import { isoAt } from "./duration.js";

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const n = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0);

export const COLORS = {
  green: "#2e7d32",
  red: "#c62828",
  amber: "#ef6c00",
  blue: "#1565c0",
  grey: "#757575",
  light: "#e0e0e0",
  ink: "#212121",
} as const;

export interface BarRow {
  label: string;
  value: number;
  /** A mark the value is held to: drawn as a dashed line. */
  target?: number;
  /** Shown after the bar, e.g. "6m / target 2h". */
  caption: string;
  color: string;
}

/** Horizontal bars, one scale per row (each against its own target), with the target marked. */
export function barChart(
  title: string,
  rows: readonly BarRow[],
  options: { shared?: boolean } = {},
): string {
  const labelW = 150;
  const barW = 360;
  const captionW = 230;
  const rowH = 26;
  const top = 26;
  const width = labelW + barW + captionW;
  const height = top + rows.length * rowH + 8;
  const sharedMax = Math.max(1e-9, ...rows.map((r) => Math.max(r.value, r.target ?? 0)));
  const parts: string[] = [`<text x="0" y="16" class="chart-title">${escapeXml(title)}</text>`];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const max = options.shared ? sharedMax : Math.max(1e-9, r.value, r.target ?? 0) * 1.15;
    const w = (Math.max(0, r.value) / max) * barW;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 16}" text-anchor="end">${escapeXml(r.label)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${barW}" height="16" fill="${COLORS.light}"/>`,
      `<rect class="bar" x="${labelW}" y="${y + 4}" width="${n(Math.max(w, 1))}" height="16" fill="${r.color}"><title>${escapeXml(`${r.label}: ${r.caption}`)}</title></rect>`,
    );
    if (r.target !== undefined) {
      const x = labelW + (r.target / max) * barW;
      parts.push(
        `<line class="target" x1="${n(x)}" x2="${n(x)}" y1="${y}" y2="${y + 24}" stroke="${COLORS.ink}" stroke-width="2" stroke-dasharray="4 2"/>`,
      );
    }
    parts.push(`<text x="${labelW + barW + 8}" y="${y + 16}">${escapeXml(r.caption)}</text>`);
  });
  return svg(width, height, title, parts);
}

export interface StackSegment {
  label: string;
  value: number;
  color: string;
}

/** Stacked horizontal bars out of `max` (experience scores out of 100), with a threshold line. */
export function stackedChart(
  title: string,
  rows: readonly { label: string; segments: readonly StackSegment[]; caption: string }[],
  max: number,
  threshold: { value: number; label: string },
): string {
  const labelW = 150;
  const barW = 360;
  const captionW = 230;
  const rowH = 26;
  const top = 38;
  const legendH = 24;
  const width = labelW + barW + captionW;
  const height = top + rows.length * rowH + legendH + 8;
  const parts: string[] = [`<text x="0" y="16" class="chart-title">${escapeXml(title)}</text>`];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 16}" text-anchor="end">${escapeXml(r.label)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${barW}" height="16" fill="${COLORS.light}"/>`,
    );
    let x = labelW;
    for (const seg of r.segments) {
      const w = (seg.value / max) * barW;
      if (w > 0) {
        parts.push(
          `<rect class="bar" x="${n(x)}" y="${y + 4}" width="${n(w)}" height="16" fill="${seg.color}"><title>${escapeXml(`${seg.label}: ${n(seg.value)}`)}</title></rect>`,
        );
      }
      x += w;
    }
    parts.push(`<text x="${labelW + barW + 8}" y="${y + 16}">${escapeXml(r.caption)}</text>`);
  });
  const tx = labelW + (threshold.value / max) * barW;
  const bottom = top + rows.length * rowH;
  parts.push(
    `<line class="target" x1="${n(tx)}" x2="${n(tx)}" y1="${top - 2}" y2="${bottom}" stroke="${COLORS.ink}" stroke-width="2" stroke-dasharray="4 2"/>`,
    `<text x="${n(tx + 3)}" y="${top - 4}" class="small">${escapeXml(threshold.label)}</text>`,
  );
  const legend = rows[0]?.segments ?? [];
  let lx = labelW;
  for (const seg of legend) {
    parts.push(
      `<rect x="${n(lx)}" y="${bottom + 8}" width="10" height="10" fill="${seg.color}"/>`,
      `<text x="${n(lx + 14)}" y="${bottom + 17}" class="small">${escapeXml(seg.label)}</text>`,
    );
    lx += 14 + seg.label.length * 6.2 + 12;
  }
  return svg(Math.max(width, lx), height, title, parts);
}

export interface Marker {
  atMs: number;
  label: string;
  color: string;
}

/** A share (0..1) over time as an area, with vertical markers (incident opened, resolved...). */
export function areaChart(
  title: string,
  points: readonly [number, number][],
  fromMs: number,
  toMs: number,
  markers: readonly Marker[],
): string {
  const left = 44;
  const plotW = 640;
  const plotH = 110;
  const top = 26;
  const width = left + plotW + 20;
  const height = top + plotH + 40;
  const span = Math.max(1, toMs - fromMs);
  const x = (t: number) => left + ((t - fromMs) / span) * plotW;
  const y = (v: number) => top + plotH - Math.min(1, Math.max(0, v)) * plotH;
  const parts: string[] = [
    `<text x="0" y="16" class="chart-title">${escapeXml(title)}</text>`,
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="${COLORS.light}"/>`,
    `<text x="${left - 4}" y="${top + 8}" text-anchor="end" class="small">100%</text>`,
    `<text x="${left - 4}" y="${top + plotH}" text-anchor="end" class="small">0%</text>`,
  ];
  if (points.length > 0) {
    const first = points[0] as [number, number];
    const last = points[points.length - 1] as [number, number];
    const line = points.map(([t, v]) => `${n(x(t))},${n(y(v))}`).join(" ");
    parts.push(
      `<polygon class="area" points="${n(x(first[0]))},${n(y(0))} ${line} ${n(x(last[0]))},${n(y(0))}" fill="${COLORS.red}" fill-opacity="0.35" stroke="${COLORS.red}"/>`,
    );
  }
  markers.forEach((m, i) => {
    const mx = n(x(m.atMs));
    parts.push(
      `<line class="marker" x1="${mx}" x2="${mx}" y1="${top}" y2="${top + plotH}" stroke="${m.color}" stroke-width="1.5"/>`,
      `<text x="${mx}" y="${top + plotH + 14 + (i % 2) * 12}" text-anchor="middle" class="small" fill="${m.color}">${escapeXml(m.label)}</text>`,
    );
  });
  const hhmm = (t: number) => isoAt(t).slice(11, 16);
  parts.push(
    `<text x="${left}" y="${height - 2}" class="small">${hhmm(fromMs)}</text>`,
    `<text x="${left + plotW}" y="${height - 2}" text-anchor="end" class="small">${hhmm(toMs)}</text>`,
  );
  return svg(width, height, title, parts);
}

/** Events as dots on swim lanes over time: the incident's timeline at a glance. */
export function swimlanes(
  title: string,
  lanes: readonly string[],
  entries: readonly { atMs: number; lane: string; text: string }[],
  fromMs: number,
  toMs: number,
  laneColors: Readonly<Record<string, string>>,
): string {
  const left = 92;
  const plotW = 620;
  const laneH = 20;
  const top = 24;
  const width = left + plotW + 20;
  const height = top + lanes.length * laneH + 24;
  const span = Math.max(1, toMs - fromMs);
  const x = (t: number) => left + ((Math.min(toMs, Math.max(fromMs, t)) - fromMs) / span) * plotW;
  const parts: string[] = [`<text x="0" y="14" class="chart-title">${escapeXml(title)}</text>`];
  lanes.forEach((lane, i) => {
    const y = top + i * laneH;
    parts.push(
      `<text x="${left - 6}" y="${y + 14}" text-anchor="end" class="small">${escapeXml(lane)}</text>`,
      `<line x1="${left}" x2="${left + plotW}" y1="${y + 10}" y2="${y + 10}" stroke="${COLORS.light}"/>`,
    );
  });
  for (const e of entries) {
    const i = lanes.indexOf(e.lane);
    if (i < 0) continue;
    parts.push(
      `<circle class="event" cx="${n(x(e.atMs))}" cy="${top + i * laneH + 10}" r="4" fill="${laneColors[e.lane] ?? COLORS.grey}"><title>${escapeXml(`${isoAt(e.atMs).slice(11, 19)} ${e.text}`)}</title></circle>`,
    );
  }
  const hhmm = (t: number) => isoAt(t).slice(11, 19);
  parts.push(
    `<text x="${left}" y="${height - 4}" class="small">${hhmm(fromMs)}</text>`,
    `<text x="${left + plotW}" y="${height - 4}" text-anchor="end" class="small">${hhmm(toMs)}</text>`,
  );
  return svg(width, height, title, parts);
}

function svg(width: number, height: number, title: string, parts: readonly string[]): string {
  return `<svg class="chart" role="img" aria-label="${escapeXml(title)}" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}">${parts.join("")}</svg>`;
}
