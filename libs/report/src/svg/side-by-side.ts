/**
 * Several standalone SVG charts side by side in one SVG file (nested <svg> elements keep each chart's own
 * coordinates), e.g. a DWI and an ADC panel for a README figure.
 */

function size(svg: string): [number, number] {
  const match = /^<svg\b[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  if (!match) throw new RangeError('sideBySideSvg: every panel must be an <svg> with width and height attributes');
  return [Number(match[1]), Number(match[2])];
}

export function sideBySideSvg(panels: readonly string[], gap = 8): string {
  if (panels.length === 0) throw new RangeError('sideBySideSvg: no panels');
  const sizes = panels.map(size);
  const width = sizes.reduce((sum, [w]) => sum + w, 0) + gap * (panels.length - 1);
  const height = Math.max(...sizes.map(([, h]) => h));
  let x = 0;
  const placed = panels.map((panel, i) => {
    const moved = panel.replace(/^<svg\b/, `<svg x="${x}" y="0"`);
    x += sizes[i][0] + gap;
    return moved;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart side-by-side" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>${placed.join('')}</svg>`
  );
}
