package org.rlhf4j.feedback.ai.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TestRatingParser {
    @Test
    void readsRatingsOnTheScaleOnly() {
        assertEquals(OptionalInt.of(7), RatingParser.parse("[[7]]", 1, 10));
        assertEquals(OptionalInt.of(8), RatingParser.parse("The response is fine. Rating: [[ 8 ]]", 1, 10));
        assertEquals(OptionalInt.of(3), RatingParser.parse("Score: 3", 1, 10));
        assertEquals(OptionalInt.of(6), RatingParser.parse("I'd give it 6/10.", 1, 10));
        assertEquals(OptionalInt.of(0), RatingParser.parse("0", 0, 10));
        assertEquals(OptionalInt.empty(), RatingParser.parse("[[11]]", 1, 10));
        assertEquals(OptionalInt.empty(), RatingParser.parse("[[0]]", 1, 10));
        assertEquals(OptionalInt.empty(), RatingParser.parse("quite good", 1, 10));
        assertEquals(OptionalInt.empty(), RatingParser.parse("It has 3 features and 2 flaws", 1, 10));
        assertEquals(OptionalInt.empty(), RatingParser.parse(null, 1, 10));
    }
}
