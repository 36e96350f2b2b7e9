package vernier.plugins.gp;

/** Values shifted and scaled to mean 0 and variance 1 (the prior the kernel assumes). */
record Standardized(double[] values, double mean, double std) {

  static Standardized of(double[] raw) {
    double mean = 0;
    for (double v : raw) {
      mean += v / raw.length;
    }
    double var = 0;
    for (double v : raw) {
      var += (v - mean) * (v - mean) / raw.length;
    }
    double std = var > 0 ? Math.sqrt(var) : 1;
    double[] values = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      values[i] = (raw[i] - mean) / std;
    }
    return new Standardized(values, mean, std);
  }

  /** A raw value (e.g. a constraint's bound) on the standardised scale. */
  double scale(double raw) {
    return Double.isInfinite(raw) ? raw : (raw - mean) / std;
  }
}
