package org.galley.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.galley.core.job.StoreException;
import org.junit.jupiter.api.Test;

class ErrorHandlingTest {

  static String body(HttpResponse r) {
    return ((HttpEntity.Strict) r.entity()).getData().decodeString(StandardCharsets.UTF_8);
  }

  @Test
  void aRefusalKeepsItsCodeAndMessageThroughAFuture() {
    HttpResponse r = ErrorHandling.toResponse(
        new CompletionException(new ApiException(ErrorCode.UNKNOWN_TOOL, "tool_id: unknown tool 'x'")));
    assertEquals(400, r.status().intValue());
    assertEquals("{\"err_msg\":\"tool_id: unknown tool 'x'\",\"err_code\":400002}", body(r));
  }

  @Test
  void aDatabaseFailureIsServiceUnavailable() {
    HttpResponse r = ErrorHandling.toResponse(new CompletionException(
        new StoreException(new SQLTransientConnectionException("pool exhausted"))));
    assertEquals(503, r.status().intValue());
    assertEquals("{\"err_msg\":\"the job database is unavailable; retry later\",\"err_code\":503001}", body(r));
  }

  @Test
  void anythingElseIsAnInternalErrorThatNamesNoDetails() {
    HttpResponse r = ErrorHandling.toResponse(new IllegalStateException("secret path /etc/x"));
    assertEquals(500, r.status().intValue());
    assertEquals("{\"err_msg\":\"internal error: IllegalStateException\",\"err_code\":500001}", body(r));
  }

  @Test
  void everyErrorCodeIsDistinctAndMatchesItsStatus() {
    assertEquals(ErrorCode.values().length, Arrays.stream(ErrorCode.values()).mapToInt(ErrorCode::code).distinct().count());
    for (ErrorCode c : ErrorCode.values()) {
      assertEquals(c.status().intValue(), c.code() / 1000, c.name());
    }
  }
}
