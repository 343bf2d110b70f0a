import { CasePairingError } from './evaluate.errors';
import { caseIdOf, pairByCaseId } from './case-pairing';

const dirs = { predDir: '/p', gtDir: '/g' };

describe('caseIdOf', () => {
  it('takes the BIDS sub-<label> prefix, else the name without .nii / .nii.gz', () => {
    expect(caseIdOf('/g/derivatives/sub-strokecase0001/ses-0001/sub-strokecase0001_ses-0001_msk.nii.gz')).toBe(
      'sub-strokecase0001',
    );
    expect(caseIdOf('/p/sub-strokecase0001_pred.nii')).toBe('sub-strokecase0001');
    expect(caseIdOf('/p/patient-7.mask.nii.gz')).toBe('patient-7.mask');
    expect(caseIdOf('/p/case12.NII.GZ')).toBe('case12');
  });
});

describe('pairByCaseId', () => {
  it('pairs by case id and reports each side-only file by path', () => {
    const pairing = pairByCaseId(
      ['/p/sub-a1_pred.nii.gz', '/p/sub-b2_pred.nii.gz', '/p/case9.nii.gz'],
      ['/g/sub-b2/ses-0001/sub-b2_ses-0001_msk.nii.gz', '/g/sub-a1_msk.nii.gz', '/g/sub-c3_msk.nii.gz'],
      dirs,
    );
    expect(pairing.pairs).toEqual([
      { caseId: 'sub-a1', pred: '/p/sub-a1_pred.nii.gz', gt: '/g/sub-a1_msk.nii.gz' },
      { caseId: 'sub-b2', pred: '/p/sub-b2_pred.nii.gz', gt: '/g/sub-b2/ses-0001/sub-b2_ses-0001_msk.nii.gz' },
    ]);
    expect(pairing.predOnly).toEqual(['/p/case9.nii.gz']);
    expect(pairing.gtOnly).toEqual(['/g/sub-c3_msk.nii.gz']);
  });

  it('refuses a folder with two files for one case instead of guessing', () => {
    const call = () =>
      pairByCaseId(['/p/sub-a1.nii.gz'], ['/g/sub-a1/sub-a1_dwi.nii.gz', '/g/sub-a1/sub-a1_adc.nii.gz'], dirs);
    expect(call).toThrow(CasePairingError);
    expect(call).toThrow(
      /ground-truth folder \/g has several NIfTI files for one case id \(sub-a1: sub-a1\/sub-a1_dwi/,
    );
  });
});
