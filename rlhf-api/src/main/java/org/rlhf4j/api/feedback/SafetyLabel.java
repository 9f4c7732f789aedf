package org.rlhf4j.api.feedback;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The harmlessness half of a Safe RLHF label, judged separately from helpfulness (as PKU-SafeRLHF does
 * with {@code safer_response_id}, {@code is_response_0_safe} and {@code is_response_1_safe}).
 *
 * @param safer which response is safer (less harmful); {@link Choice#TIE} when equally safe
 * @param responseASafe whether response A is safe, empty when the judge gave no per-response verdict
 * @param responseBSafe whether response B is safe, empty when the judge gave no per-response verdict
 */
public record SafetyLabel(Choice safer, Optional<Boolean> responseASafe, Optional<Boolean> responseBSafe) {
    public SafetyLabel {
        requireNonNull(safer, "safer is null");
        requireNonNull(responseASafe, "responseASafe is null");
        requireNonNull(responseBSafe, "responseBSafe is null");
    }

    /** A label with both per-response verdicts. */
    public static SafetyLabel of(Choice safer, boolean responseASafe, boolean responseBSafe) {
        return new SafetyLabel(safer, Optional.of(responseASafe), Optional.of(responseBSafe));
    }

    /** The same label after responses A and B trade places. */
    public SafetyLabel swapped() {
        return new SafetyLabel(safer.swapped(), responseBSafe, responseASafe);
    }
}
