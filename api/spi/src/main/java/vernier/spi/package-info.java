/**
 * The Vernier plugin SPI: samplers and pruners, their factories and the read-only study view they
 * see. Depends on the JDK only. See {@code docs/plugins.md}.
 */
package vernier.spi;
