package io.jmachine.engine.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuthChallengeTest {

    @Test
    void bearerWithQuotedParametersHoldingCommas() {
        List<AuthChallenge> challenges = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:acc/app:pull,push\"");
        assertEquals(List.of(new AuthChallenge("bearer", Map.of("realm", "https://auth.example/token",
                "service", "registry.example", "scope", "repository:acc/app:pull,push"))), challenges);
    }

    @Test
    void severalChallengesInOneHeaderWithBareTokensAndEscapes() {
        List<AuthChallenge> challenges = AuthChallenge.parse("Basic realm=\"say \\\"hi\\\"\", Bearer realm=https://a/t , service=s");
        assertEquals(2, challenges.size());
        assertEquals("basic", challenges.get(0).scheme());
        assertEquals("say \"hi\"", challenges.get(0).param("realm"));
        assertEquals("bearer", challenges.get(1).scheme());
        assertEquals("https://a/t", challenges.get(1).param("realm"));
        assertEquals("s", challenges.get(1).param("service"));
    }

    @Test
    void parameterNamesAreCaseInsensitiveAndEmptyHeadersGiveNothing() {
        assertEquals("r", AuthChallenge.parse("BASIC Realm=\"r\"").getFirst().param("realm"));
        assertEquals(List.of(), AuthChallenge.parse(""));
        assertEquals(List.of(), AuthChallenge.parse(null));
        assertEquals(List.of(new AuthChallenge("negotiate", Map.of())), AuthChallenge.parse("Negotiate"));
    }
}
