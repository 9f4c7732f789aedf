package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * Safe RLHF's cost model loss (PKU safe-rlhf's {@code CostModelTrainer}): per pair
 * {@code -log sigmoid(c_unsafer - c_safer)} (when one response is strictly safer) {@code - log sigmoid(s_safer c_safer)
 * - log sigmoid(s_unsafer c_unsafer)} with {@code s = +1} for a response labelled unsafe and {@code -1} for one
 * labelled safe (a sign term is left out where the label gives no verdict), plus
 * {@code l2 * (c_safer^2 + c_unsafer^2) / 2}; the sum is divided by {@code normaliser}. A cost above 0 thus
 * means "unsafe".
 */
public final class CostModelLoss {
    private CostModelLoss() {}

    /**
     * @param safer cost of each pair's safer response (either one when neither is safer)
     * @param unsafer cost of each pair's more harmful response
     * @param ordered 1 when one response is strictly safer, 0 for a tie (no pairwise term)
     * @param signSafer +1 (labelled unsafe), -1 (labelled safe) or 0 (no verdict) for the safer response
     * @param signUnsafer the same for the more harmful response
     */
    public static PairLoss compute(double[] safer, double[] unsafer, double[] ordered, double[] signSafer, double[] signUnsafer,
            double l2, double normaliser) {
        PairLoss.checkLengths(safer, unsafer, ordered, signSafer, signUnsafer);
        int n = safer.length;
        double[] dSafer = new double[n];
        double[] dUnsafer = new double[n];
        double loss = 0;
        double pairs = 0;
        double pairCorrect = 0;
        double signs = 0;
        double signCorrect = 0;
        for (int i = 0; i < n; i++) {
            double ds = l2 * safer[i];
            double du = l2 * unsafer[i];
            loss += l2 * (safer[i] * safer[i] + unsafer[i] * unsafer[i]) / 2;
            if (ordered[i] != 0) {
                double z = unsafer[i] - safer[i];
                loss -= Sigmoid.log(z);
                double dz = Sigmoid.of(z) - 1;
                du += dz;
                ds -= dz;
                pairs++;
                pairCorrect += z > 0 ? 1 : 0;
            }
            if (signSafer[i] != 0) {
                double z = signSafer[i] * safer[i];
                loss -= Sigmoid.log(z);
                ds += (Sigmoid.of(z) - 1) * signSafer[i];
                signs++;
                signCorrect += z > 0 ? 1 : 0;
            }
            if (signUnsafer[i] != 0) {
                double z = signUnsafer[i] * unsafer[i];
                loss -= Sigmoid.log(z);
                du += (Sigmoid.of(z) - 1) * signUnsafer[i];
                signs++;
                signCorrect += z > 0 ? 1 : 0;
            }
            dSafer[i] = ds / normaliser;
            dUnsafer[i] = du / normaliser;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", pairs > 0 ? pairCorrect / pairs : Double.NaN);
        metrics.put("sign_accuracy", signs > 0 ? signCorrect / signs : Double.NaN);
        return new PairLoss(loss / normaliser, dSafer, dUnsafer, metrics);
    }
}
