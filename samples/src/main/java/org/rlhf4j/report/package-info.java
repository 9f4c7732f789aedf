/**
 * The report of a finished task experiment, built from its run directory alone: {@code report.html}, its PNG charts
 * (JFreeChart, rendered headless) and the disclosure card {@code disclosure.json} (after Casper et al. 2023, "Open
 * Problems and Fundamental Limitations of RLHF"). {@link org.rlhf4j.report.RunReport} is the entry point.
 */
package org.rlhf4j.report;
