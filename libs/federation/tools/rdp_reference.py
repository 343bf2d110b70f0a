#!/usr/bin/env python3
"""An independent RDP accountant for the sampled Gaussian mechanism, for the accountant's spec.

It shares no formula with libs/federation/src/privacy/accounting/rdp.ts beyond the definition: where that file
sums Mironov, Talwar & Zhang's binomial series (arXiv:1908.10530, §3.2-3.3), this one integrates the definition
directly, A_alpha = integral of mu0(z)^(1 - alpha) * mu(z)^alpha dz with mu0 = N(0, s^2), mu1 = N(1, s^2) and
mu = (1 - q) mu0 + q mu1, by the trapezoid rule in log space on a fine grid that covers both of the integrand's
modes (near 0 and near alpha). Then eps(alpha) = log(A_alpha) / (alpha - 1), composed over steps by addition,
and (eps, delta) by the classic (Mironov 2017, Prop. 3) and the improved (Canonne, Kamath & Steinke 2020,
Prop. 12) conversions.

  /usr/bin/python3 libs/federation/tools/rdp_reference.py '<json list of {q, sigma, steps, orders, delta}>'

prints one JSON list of {rdp: [...], classic: eps, improved: eps}. Needs Debian's python3-numpy.
"""
import json
import math
import sys

import numpy as np


def log_a(q: float, sigma: float, alpha: float) -> float:
    if q == 1.0:
        return alpha * (alpha - 1) / (2 * sigma * sigma)
    lo = -40.0 * sigma - 1.0
    hi = alpha + 40.0 * sigma + 1.0
    step = min(sigma / 400.0, 0.005)
    z = np.arange(lo, hi + step, step)
    log_mu0 = -z * z / (2 * sigma * sigma)  # the normalising constant is applied once below
    log_mu1 = -(z - 1.0) ** 2 / (2 * sigma * sigma)
    log_mu = np.logaddexp(math.log1p(-q) + log_mu0, math.log(q) + log_mu1)
    log_f = (1.0 - alpha) * log_mu0 + alpha * log_mu
    top = log_f.max()
    weights = np.exp(log_f - top)
    integral = np.trapezoid(weights, dx=step) if hasattr(np, 'trapezoid') else np.trapz(weights, dx=step)
    return float(top + math.log(integral) - math.log(math.sqrt(2 * math.pi) * sigma))


def epsilon(orders, rdp, delta, improved):
    best = math.inf
    for a, r in zip(orders, rdp):
        if improved:
            e = r + math.log((a - 1) / a) - (math.log(delta) + math.log(a)) / (a - 1)
        else:
            e = r + math.log(1 / delta) / (a - 1)
        best = min(best, max(0.0, e))
    return best


def main() -> None:
    out = []
    for case in json.loads(sys.argv[1]):
        q, sigma, steps, orders, delta = case['q'], case['sigma'], case['steps'], case['orders'], case['delta']
        rdp = [steps * log_a(q, sigma, a) / (a - 1) for a in orders]
        out.append({'rdp': rdp, 'classic': epsilon(orders, rdp, delta, False), 'improved': epsilon(orders, rdp, delta, True)})
    print(json.dumps(out))


if __name__ == '__main__':
    main()
