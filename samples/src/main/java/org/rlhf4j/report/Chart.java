package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

/**
 * One PNG chart of the report.
 *
 * @param file its file name beside report.html
 * @param title what it shows (the figure's heading)
 * @param caption how to read it (also the image's alt text)
 */
public record Chart(String file, String title, String caption) {
    public Chart {
        requireNonNull(file, "file is null");
        requireNonNull(title, "title is null");
        requireNonNull(caption, "caption is null");
    }
}
