package org.galley.web.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** The API's one JSON mapper and the responses built with it. */
public final class Json {
  /**
   * Strict on input: a repeated key or text after the object is an error rather than a silent
   * guess at what the client meant.
   */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Reads a request body that must be a JSON object with no fields but {@code allowed}.
   *
   * @throws ApiException 400 saying what is wrong with the body
   */
  public static ObjectNode readObject(byte[] body, List<String> allowed) {
    JsonNode node;
    try {
      node = body.length == 0 ? null : MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.malformed("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.malformed("request body could not be read: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw ApiException.malformed("request body is empty; expected a JSON object");
    }
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.malformed("request body must be a JSON object, got " + kind(node));
    }
    return checkFields(object, allowed);
  }

  /** Refuses an object with fields but {@code allowed}; returns it. */
  public static ObjectNode checkFields(ObjectNode object, List<String> allowed) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiException.malformed("unknown field '" + name + "'; expected " + String.join(", ", allowed));
      }
    }
    return object;
  }

  /** How a JSON value is named in messages: "an array", "a string", ... */
  public static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case NULL -> "null";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  public static HttpResponse response(StatusCode status, JsonNode body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** The body of every error: {@code {"err_msg": ..., "err_code": ...}}. */
  public static HttpResponse error(StatusCode status, int code, String message) {
    ObjectNode body = object().put("err_msg", message).put("err_code", code);
    return response(status, body);
  }

  public static HttpResponse error(ErrorCode code, String message) {
    return error(code.status(), code.code(), message);
  }
}
