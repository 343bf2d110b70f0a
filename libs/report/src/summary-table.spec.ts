import { formatSummaryTable } from './summary-table';
import { sampleReport } from './testing/report-fixture';

describe('formatSummaryTable', () => {
  it('prints a validation and a test row per approach with aligned columns', () => {
    const lines = formatSummaryTable(sampleReport().approaches).split('\n');
    expect(lines).toHaveLength(2 + 4);
    expect(lines[0]).toMatch(/^model\s+set\s+n\s+Dice mean ± sd\s+median\s+>0\.8\s+<0\.5\s+AVD mL\s+ALD\s+lesion F1$/);
    expect(lines[3]).toMatch(/^federated\s+test\s+4\s+0\.675 ± 0\.290\s+0\.725\s+50%\s+25%/);
    // Figures are right-aligned, so the ± of every data row lines up.
    expect(
      new Set(
        lines
          .slice(2)
          .map((l) => (l.indexOf('±') >= 0 ? l.indexOf('±') : -1))
          .filter((i) => i >= 0),
      ).size,
    ).toBe(1);
  });
});
