#!/usr/bin/env python3
"""Reads segmentation outputs with nibabel (Debian's python3-nibabel), an oracle independent of this project.

  /usr/bin/python3 libs/nifti/tools/nibabel-check.py DWI.nii.gz mask.nii.gz [prob.nii.gz ...]

For each output: datatype, sform/qform codes against the DWI's, intent, cal_min/cal_max, the largest affine
difference from the DWI, and how many non-zero voxels lie where the DWI is zero (outside the brain). Exits 1 when a
file is not on the DWI grid, drops its xform codes, lacks the [0, 1] display range, or marks voxels outside the brain.
"""
import sys

import nibabel as nib
import numpy as np


def main(dwi_path, outputs):
    dwi = nib.load(dwi_path)
    brain = np.asarray(dwi.dataobj) != 0
    codes = (int(dwi.header['sform_code']), int(dwi.header['qform_code']))
    failed = False
    for path in outputs:
        img = nib.load(path)
        h = img.header
        data = np.asarray(img.dataobj)
        row = {
            'file': path,
            'dtype': str(h.get_data_dtype()),
            'codes': (int(h['sform_code']), int(h['qform_code'])),
            'intent': h.get_intent()[0],
            'cal': (float(h['cal_min']), float(h['cal_max'])),
            'affine_diff': float(np.abs(img.affine - dwi.affine).max()),
            'outside_brain': int(((data != 0) & ~brain).sum()),
        }
        print(row)
        failed |= (
            data.shape != brain.shape
            or row['codes'] != codes
            or row['cal'] != (0.0, 1.0)
            or row['affine_diff'] > 1e-4
            or row['outside_brain'] > 0
        )
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
