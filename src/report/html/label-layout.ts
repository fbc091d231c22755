/**
 * Text fitting and label placement for the report's SVG charts. SVG text neither wraps nor
 * clips itself, so widths are estimated from the character count (11 px system sans averages
 * under 6.5 px a character; the estimate errs wide).
 */

/** Estimated width in px of `text` in the charts' 11 px axis font. */
export function textWidth(text: string, pxPerChar = 6.5): number {
  return [...text].length * pxPerChar;
}

/**
 * `text` shortened with an ellipsis to fit `maxWidth` px (unchanged when it fits).
 *
 * @example
 * fitText('forbidden-promises', 60) // 'forbidde…'
 */
export function fitText(text: string, maxWidth: number, pxPerChar = 6.5): string {
  const chars = [...text];
  const room = Math.floor(maxWidth / pxPerChar);
  if (chars.length <= room) return text;
  return `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** A placed point label: text anchored at (x, y) (`start` or `end`), its box, and whether it moved off its point. */
export interface PlacedLabel {
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: Box;
  moved: boolean;
}

/**
 * Places one label beside each point so that no two labels overlap each other or another
 * point, all inside `area`. Each label tries right of its point, then left, then the same a row
 * further down or up (alternating, up to 8 rows); a label that moved gets `moved: true` (draw a
 * leader line). Points are placed top to bottom; the first free candidate wins.
 *
 * @example
 * placeLabels([{ x: 50, y: 50, text: 'a' }, { x: 50, y: 50, text: 'b' }], { x: 0, y: 0, w: 200, h: 100 }, 6)
 * // the second label lands one row below the first
 */
export function placeLabels(
  points: ReadonlyArray<{ x: number; y: number; text: string }>,
  area: Box,
  radius: number,
  rowHeight = 13,
): PlacedLabel[] {
  const gap = radius + 3;
  const dots: Box[] = points.map((p) => ({ x: p.x - radius, y: p.y - radius, w: radius * 2, h: radius * 2 }));
  const placed: Box[] = [];
  const out: PlacedLabel[] = new Array<PlacedLabel>(points.length);
  const order = points.map((p, i) => ({ p, i })).sort((a, b) => a.p.y - b.p.y || a.p.x - b.p.x);
  for (const { p, i } of order) {
    const w = textWidth(p.text);
    const preferRight = p.x + gap + w <= area.x + area.w;
    const sides: Array<'start' | 'end'> = preferRight ? ['start', 'end'] : ['end', 'start'];
    const candidate = (anchor: 'start' | 'end', dy: number): PlacedLabel => {
      const x = anchor === 'start' ? p.x + gap : p.x - gap;
      const y = p.y + 4 + dy;
      const box = { x: anchor === 'start' ? x : x - w, y: y - rowHeight + 3, w, h: rowHeight };
      return { x, y, anchor, box, moved: dy !== 0 };
    };
    const fits = (c: PlacedLabel): boolean =>
      c.box.x >= area.x &&
      c.box.x + c.box.w <= area.x + area.w &&
      c.box.y >= area.y &&
      c.box.y + c.box.h <= area.y + area.h &&
      !placed.some((b) => overlaps(b, c.box)) &&
      !dots.some((d, k) => k !== i && overlaps(d, c.box));
    let chosen: PlacedLabel | undefined;
    for (let step = 0; step <= 16 && !chosen; step++) {
      const dy = step === 0 ? 0 : (step % 2 === 1 ? 1 : -1) * Math.ceil(step / 2) * rowHeight;
      for (const side of sides) {
        const c = candidate(side, dy);
        if (fits(c)) {
          chosen = c;
          break;
        }
      }
    }
    chosen ??= candidate(sides[0]!, 0);
    placed.push(chosen.box);
    out[i] = chosen;
  }
  return out;
}
