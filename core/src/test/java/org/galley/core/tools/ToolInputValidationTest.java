package org.galley.core.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ToolRegistry#validate}: every rule, in messages that name the parameter and the bad value. */
class ToolInputValidationTest {

  private static final Tool TOOL = ToolFixtures.tool(ToolFixtures.EVERY_TYPE);

  @Test
  void appliesDefaultsAndLeavesOutAbsentOptionalParameters() {
    Map<String, Object> typed = ToolRegistry.validate(TOOL, Map.of("text", "abc"));

    assertEquals(Map.of("text", "abc", "flag", false, "n", 10L, "mode", "-w"), typed);
    assertFalse(typed.containsKey("x"));
    assertFalse(typed.containsKey("label"));
  }

  @Test
  void returnsTypedValuesInParameterOrder() {
    Map<String, Object> typed = ToolRegistry.validate(TOOL, Map.of(
        "mode", "-c", "x", 1, "n", 7, "flag", true, "label", "L", "text", "hi"));

    assertEquals(List.of("text", "label", "flag", "n", "x", "mode"), List.copyOf(typed.keySet()));
    assertEquals(List.of("hi", "L", true, 7L, 1.0, "-c"), List.copyOf(typed.values()));
    assertEquals(Long.class, typed.get("n").getClass());
    assertEquals(Double.class, typed.get("x").getClass());
    assertThrows(UnsupportedOperationException.class, () -> typed.put("n", 1L));
  }

  @Test
  void acceptsEveryNumberClassJacksonMayProduce() {
    Map<String, Object> typed = ToolRegistry.validate(TOOL, Map.of(
        "text", "a", "n", BigInteger.valueOf(42), "x", new BigDecimal("0.125")));
    assertEquals(42L, typed.get("n"));
    assertEquals(0.125, typed.get("x"));

    assertEquals(5L, ToolRegistry.validate(TOOL, Map.of("text", "a", "n", 5L)).get("n"));
    assertEquals(6L, ToolRegistry.validate(TOOL, Map.of("text", "a", "n", new BigDecimal("6.000"))).get("n"));
    assertEquals(8L, ToolRegistry.validate(TOOL, Map.of("text", "a", "n", 8.0)).get("n"));
  }

  @Test
  void treatsNullInputsAndJsonNullLikeAbsentValues() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("text", "a");
    raw.put("n", null);

    assertEquals(10L, ToolRegistry.validate(TOOL, raw).get("n"));
    assertInvalid("text", "parameter 'text' is required", () -> ToolRegistry.validate(TOOL, null));
  }

  @Test
  void refusesAnUnknownParameterNamingItAndTheTool() {
    assertInvalid("colour", "unknown parameter 'colour' of tool 'every_type'",
        () -> ToolRegistry.validate(TOOL, Map.of("text", "a", "colour", "red")));
  }

  @Test
  void refusesAMissingRequiredParameter() {
    assertInvalid("text", "parameter 'text' is required", () -> ToolRegistry.validate(TOOL, Map.of("n", 3)));
  }

  @Test
  void anIntegerTakesIntegralNumbersOnly() {
    assertRefused("n", "5", "parameter 'n' must be an integer, got a string \"5\"");
    assertRefused("n", 5.5, "parameter 'n' must be an integer, got a number 5.5");
    assertRefused("n", new BigDecimal("5.01"), "must be an integer");
    assertRefused("n", true, "must be an integer, got a boolean true");
    assertRefused("n", List.of(5), "must be an integer, got a list");
  }

  @Test
  void anIntegerBeyondSixtyFourBitsIsOutOfRangeNotWrapped() {
    assertRefused("n", BigInteger.TWO.pow(70), "parameter 'n' is out of the range");
    assertRefused("n", 1e300, "parameter 'n' is out of the range");
    // A huge exponent must be refused without expanding the number.
    assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> assertRefused("n", new BigDecimal("1E+999999999"), "parameter 'n' is out of the range"));
  }

  @Test
  void aFloatTakesAnyNumberButNoString() {
    assertRefused("x", "0.5", "parameter 'x' must be a number, got a string \"0.5\"");
    assertRefused("x", false, "parameter 'x' must be a number, got a boolean false");
    assertRefused("x", new BigDecimal("1E+400"), "parameter 'x' is out of the range");
  }

  @Test
  void aBooleanTakesJsonBooleansOnly() {
    assertRefused("flag", "true", "parameter 'flag' must be a boolean (true or false), got a string \"true\"");
    assertRefused("flag", 1, "parameter 'flag' must be a boolean (true or false), got a number 1");
  }

  @Test
  void textAndSelectTakeStringsOnly() {
    assertRefused("text", 12, "parameter 'text' must be a string, got a number 12");
    assertRefused("text", Map.of("a", 1), "parameter 'text' must be a string, got an object");
    assertRefused("mode", 1, "parameter 'mode' must be a string, one of [\"-l\", \"-w\", \"-c\"], got a number 1");
  }

  @Test
  void integerBoundsAreInclusiveAndNamedWithTheValue() {
    assertEquals(1L, ToolRegistry.validate(TOOL, Map.of("text", "a", "n", 1)).get("n"));
    assertEquals(100L, ToolRegistry.validate(TOOL, Map.of("text", "a", "n", 100)).get("n"));
    assertRefused("n", 0, "parameter 'n' must be at least 1, got 0");
    assertRefused("n", 101, "parameter 'n' must be at most 100, got 101");
  }

  @Test
  void floatBoundsAreInclusiveAndNamedWithTheValue() {
    assertEquals(1.0, ToolRegistry.validate(TOOL, Map.of("text", "a", "x", 1.0)).get("x"));
    assertRefused("x", -0.5, "parameter 'x' must be at least 0, got -0.5");
    assertRefused("x", 1.0000001, "parameter 'x' must be at most 1, got 1.0000001");
  }

  @Test
  void aPatternMustMatchTheWholeValue() {
    assertRefused("text", "abc1", "parameter 'text' must match the pattern [a-z ]*, got \"abc1\"");
  }

  @Test
  void maxLengthCountsCharactersNotUtf16Units() {
    String tenEmoji = "\uD83D\uDE00".repeat(10);
    Tool anyText = ToolFixtures.tool(
        "{ id = t, version = \"1\", argv = [prog], parameters = [ { name = s, type = text, max-length = 10 } ] }");

    assertEquals(tenEmoji, ToolRegistry.validate(anyText, Map.of("s", tenEmoji)).get("s"));
    assertRefused("text", "abcdefghijk", "parameter 'text' must be at most 10 characters long, got 11: \"abcdefghijk\"");
  }

  @Test
  void aLongBadValueIsCutInTheMessage() {
    String huge = "x".repeat(5000);

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ToolRegistry.validate(TOOL, Map.of("text", "a", "mode", huge)));

    assertTrue(e.getMessage().startsWith("parameter 'mode' must be one of"), e.getMessage());
    assertTrue(e.getMessage().endsWith("x...(5000 characters)\""), e.getMessage());
    assertTrue(e.getMessage().length() < 250, e.getMessage());
  }

  @Test
  void controlCharactersAreEscapedInMessages() {
    assertRefused("text", "A\nB", "got \"A\\nB\"");
  }

  @Test
  void textMustNotCarryNulCharacters() {
    assertRefused("label", "a\0b", "parameter 'label' must not contain NUL characters");
  }

  @Test
  void aSelectValueMustBeOneOfItsOptions() {
    assertRefused("mode", "-x", "parameter 'mode' must be one of [\"-l\", \"-w\", \"-c\"], got \"-x\"");
  }

  private static void assertRefused(String name, Object value, String messagePart) {
    Map<String, Object> raw = new HashMap<>(Map.of("text", "a"));
    raw.put(name, value);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ToolRegistry.validate(TOOL, raw));
    assertEquals(name, e.field());
    assertTrue(e.getMessage().contains(messagePart), "'" + messagePart + "' in: " + e.getMessage());
  }

  private static void assertInvalid(String field, String message, Runnable call) {
    InvalidInputException e = assertThrows(InvalidInputException.class, call::run);
    assertEquals(field, e.field());
    assertEquals(message, e.getMessage());
  }
}
