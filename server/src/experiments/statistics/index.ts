/**
 * Experiment statistics: the pure functional core behind experiment reports for placements and
 * campaigns. No Strapi, no database; every output is a finite number or null with a reason.
 *
 * Variation 0 is the control. Inputs are per-variation totals:
 *  - binomial (conversion rate): visitors n and conversions c;
 *  - mean metrics: n, sum and sum of squares of the per-unit values.
 *
 * Sources of the formulas (implemented from the formulas, not copied):
 *  - two-proportion z-test with pooled variance, Wald interval for the difference:
 *    any statistics text, e.g. Agresti, "Categorical Data Analysis" (3rd ed.) §1.4 / §2.2;
 *  - relative uplift interval by the delta method: Var(p̂₁/p̂₀) ≈ v₁/p̂₀² + p̂₁²v₀/p̂₀⁴
 *    (first-order Taylor expansion; also what GrowthBook's stats engine documents);
 *  - Welch's t-test and the Welch–Satterthwaite degrees of freedom: Welch (1947), Biometrika 34;
 *  - Bayesian Beta–Binomial posteriors with a Beta(1, 1) prior, P(p_B > p_A) in closed form:
 *    Evan Miller, "Formulas for Bayesian A/B Testing" (2015), https://www.evanmiller.org/bayesian-ab-testing.html;
 *  - expected loss E[max(p_A − p_B, 0)] in closed form from the same sums, using
 *    E[X·1{X>Y}] = E[X]·P(X' > Y) with X' ~ Beta(α+1, β) (size-biased Beta); see C. Stucchio,
 *    "Bayesian A/B Testing at VWO" (2015), §4;
 *  - chance to win with a flat prior and a normal posterior on the (delta-method) relative lift,
 *    and risk as the normal partial expectation: GrowthBook's documentation of its Bayesian
 *    engine (docs.growthbook.io, "Statistics");
 *  - sample-ratio mismatch: Pearson's χ² goodness-of-fit test (Fabijan et al., "Diagnosing
 *    Sample Ratio Mismatch in Online Controlled Experiments", KDD 2019).
 *
 * Reference values for the tests come from SciPy (test/unit/experiments/fixtures/
 * generate_reference.py, with the command that regenerates them) and from slower numerical
 * integration inside the tests.
 */
export * from './inputs';
export * from './frequentist';
export * from './bayesian';
export * from './srm';
export * from './reports';
