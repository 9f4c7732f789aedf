package org.rlhf4j.engine.model;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension for gradient checks, after Mockito's {@code MockitoExtension}: a test method of a class
 * annotated {@code @ExtendWith(GradientCheckExtension.class)} declares a {@link GradientChecker} parameter and
 * gets a fresh one, configured by the nearest {@link GradientCheckSettings} (method, then class, then the
 * defaults). After the test:
 * <ul>
 *   <li>each check's {@link GradientChecker.Report} is published as a report entry (in surefire's XML report)
 *       and printed, so the worst relative error of every gradient path is on record;</li>
 *   <li>a test that took a checker and ran no check fails, as Mockito's strict stubs fail a test with an unused
 *       stub: a gradient check that checked nothing is a mistake, not a pass.</li>
 * </ul>
 */
public final class GradientCheckExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GradientCheckExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GradientChecker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(GradientChecker.class,
                key -> new GradientChecker(settings(context)), GradientChecker.class);
    }

    private static GradientCheckSettings settings(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            Optional<AnnotatedElement> element = c.get().getElement();
            if (element.isPresent()) {
                Optional<GradientCheckSettings> found = AnnotationSupport.findAnnotation(element.get(), GradientCheckSettings.class);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        return GradientChecker.withDefaults().settings();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        GradientChecker checker = context.getStore(NAMESPACE).get(GradientChecker.class, GradientChecker.class);
        if (checker == null) {
            return;
        }
        for (GradientChecker.Report report : checker.reports()) {
            context.publishReportEntry("gradient check", report.summary());
            System.out.println("gradient check " + report.summary());
        }
        if (checker.reports().isEmpty() && context.getExecutionException().isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " took a GradientChecker but ran no gradient check");
        }
    }
}
