package org.rlhf4j.engine.model;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Settings of the {@link GradientChecker} that {@link GradientCheckExtension} injects (as Mockito's
 * {@code @MockitoSettings} configures {@code MockitoExtension}); on a test method, or on its class for every method
 * without one of its own. Without it the defaults below apply.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface GradientCheckSettings {
    /**
     * Entries checked per parameter: half where the analytic gradient is nonzero, half anywhere; every entry of a
     * parameter that has no more than this.
     */
    int samplesPerParameter() default 6;

    /** The central difference step {@code (L(p + eps) - L(p - eps)) / 2 eps}. */
    double epsilon() default 1e-6;

    /** The largest relative error {@code |numeric - analytic| / (|numeric| + |analytic|)} an entry may have. */
    double tolerance() default 1e-5;

    /**
     * An entry whose {@code |numeric - analytic|} is below this times {@code max(1, |loss|)} passes whatever its
     * relative error (the round-off of a central difference in double is about {@code 1e-16 |loss| / eps}).
     */
    double absoluteTolerance() default 1e-8;

    /** The seed of the sampled entries. */
    long seed() default 99;
}
