package vernier.plugins.gp;

/**
 * The Matérn-5/2 kernel with automatic relevance determination: one inverse squared length scale
 * per coordinate. Numeric coordinates add {@code λ (x - y)²} to the squared distance; categorical
 * ones add {@code λ} when the choices differ (a Hamming distance), so no order is imposed on
 * choices.
 *
 * @param inverseSquaredLengthScales λ per coordinate
 * @param scale the kernel's variance (the data are standardised, so about 1)
 * @param noise the observation noise variance added to the diagonal
 */
record Matern52(double[] inverseSquaredLengthScales, double scale, double noise) {

  private static final double SQRT5 = Math.sqrt(5);

  double covariance(double[] a, double[] b, boolean[] categorical) {
    double r2 = 0;
    for (int i = 0; i < a.length; i++) {
      double d = categorical[i] ? (a[i] == b[i] ? 0 : 1) : a[i] - b[i];
      r2 += inverseSquaredLengthScales[i] * d * d;
    }
    double r = Math.sqrt(r2);
    return scale * (1 + SQRT5 * r + 5.0 / 3 * r2) * Math.exp(-SQRT5 * r);
  }

  /**
   * Adds to {@code gradient} the gradient of {@code weight · k(a, b)} with respect to {@code a}'s
   * numeric coordinates (categorical ones are left alone: they have no gradient). With {@code r}
   * the scaled distance, {@code dk/da_i = -5/3 s λ_i (a_i - b_i) (1 + √5 r) exp(-√5 r)}, which is
   * smooth through {@code r = 0}.
   */
  void addGradient(
      double[] a, double[] b, boolean[] categorical, double weight, double[] gradient) {
    double r2 = 0;
    for (int i = 0; i < a.length; i++) {
      double d = categorical[i] ? (a[i] == b[i] ? 0 : 1) : a[i] - b[i];
      r2 += inverseSquaredLengthScales[i] * d * d;
    }
    double r = Math.sqrt(r2);
    double common = -5.0 / 3 * scale * weight * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
    for (int i = 0; i < a.length; i++) {
      if (!categorical[i]) {
        gradient[i] += common * inverseSquaredLengthScales[i] * (a[i] - b[i]);
      }
    }
  }
}
