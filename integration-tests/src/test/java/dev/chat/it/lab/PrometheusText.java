package dev.chat.it.lab;

import java.util.HashMap;
import java.util.Map;

/** A scrape of {@code /metrics}: sample name (with its labels, as written) to value. */
public final class PrometheusText {
    private final Map<String, Double> samples = new HashMap<>();

    private PrometheusText(String text) {
        for (String line : text.split("\\R")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1).trim()));
        }
    }

    public static PrometheusText parse(String text) {
        return new PrometheusText(text);
    }

    /** The sample's value, 0 when absent (a labelled counter appears only once counted). */
    public double value(String sample) {
        return samples.getOrDefault(sample, 0.0);
    }

    /** Sum over every sample of {@code name}, whatever its labels. */
    public double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if (key.equals(name) || key.startsWith(name + "{")) {
                total += e.getValue();
            }
        }
        return total;
    }
}
