package io.jmachine.engine.api;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouterTest {

    private final RouteHandler inspect = exchange -> { };
    private final RouteHandler imageInspect = exchange -> { };
    private final Router router = new Router()
            .get("/containers/{id}/json", inspect)
            .get("/images/{name...}/json", imageInspect);

    @Test
    void placeholdersCaptureOneSegment() {
        Router.Match match = router.route(HttpMethod.GET, "/containers/web1/json");
        assertSame(inspect, match.handler());
        assertEquals("web1", match.pathParams().get("id"));
    }

    @Test
    void aRestPlaceholderCapturesNamesWithSlashes() {
        Router.Match match = router.route(HttpMethod.GET, "/images/localhost:5000/acc/busybox:1/json");
        assertSame(imageInspect, match.handler());
        assertEquals("localhost:5000/acc/busybox:1", match.pathParams().get("name"));
    }

    @Test
    void extraOrMissingSegmentsDoNotMatch() {
        assertEquals(404, assertThrows(ApiException.class, () -> router.route(HttpMethod.GET, "/containers/json")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> router.route(HttpMethod.GET, "/containers/a/json/x")).status());
    }

    @Test
    void theWrongMethodOnAKnownPathIs405() {
        assertEquals(405, assertThrows(ApiException.class, () -> router.route(HttpMethod.POST, "/containers/a/json")).status());
    }
}
