package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Makes every config class reject its unknown keys before anything else about it is checked.
 *
 * <p>Jackson builds a record (or any class with a constructor creator) as soon as it has read the
 * mapping, and reports unknown keys only afterwards: a misspelled required key ({@code postive:} for
 * {@code positive:}) was reported as the required key missing, at the line of the enclosing mapping, and
 * the typo was never named. This modifier reads each mapping first, reports its first unknown key (with the
 * known ones) and only then lets Jackson bind it, so constructor checks run on a mapping whose keys are all
 * known.
 */
final class UnknownKeysFirst extends BeanDeserializerModifier {
    private static final long serialVersionUID = 1L;

    @Override
    public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
            JsonDeserializer<?> deserializer) {
        if (!(deserializer instanceof BeanDeserializerBase) || description.findAnySetterAccessor() != null) {
            return deserializer;
        }
        JsonIgnoreProperties.Value ignorals = config.getDefaultPropertyIgnorals(description.getBeanClass(),
                description.getClassInfo());
        if (ignorals.getIgnoreUnknown()) {
            return deserializer;
        }
        return new Checking(deserializer, ignorals.findIgnoredForDeserialization());
    }

    private static final class Checking extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        private final Set<String> ignored;

        Checking(JsonDeserializer<?> delegate, Set<String> ignored) {
            super(delegate);
            this.ignored = requireNonNull(ignored, "ignored is null");
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Checking(delegate, ignored);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!(_delegatee instanceof BeanDeserializerBase bean) || !startsMapping(parser)
                    || bean.getValueInstantiator().canCreateUsingDelegate()) {
                return _delegatee.deserialize(parser, context);
            }
            JsonNode mapping = context.readTree(parser);
            for (Iterator<String> keys = mapping.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!bean.hasProperty(key) && !ignored.contains(key)) {
                    context.handleUnknownProperty(parser, bean, bean.handledType(), key);
                }
            }
            try (JsonParser replay = mapping.traverse(parser.getCodec())) {
                replay.nextToken();
                return _delegatee.deserialize(replay, context);
            }
        }

        private static boolean startsMapping(JsonParser parser) {
            return parser.currentToken() == JsonToken.START_OBJECT || parser.currentToken() == JsonToken.FIELD_NAME;
        }
    }
}
