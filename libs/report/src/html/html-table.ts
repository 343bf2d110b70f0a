/** A plain HTML table; cells that are figures (digits, ±, %, signs) are right-aligned. Every cell is escaped. */
import { escapeXml } from '../svg/escape';

const isFigure = (cell: string) => /^[-+\d.±\s%]*$/.test(cell);

export function htmlTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, className = ''): string {
  const head = header.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((c) => `<td${isFigure(c) ? ' class="num"' : ''}>${escapeXml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
