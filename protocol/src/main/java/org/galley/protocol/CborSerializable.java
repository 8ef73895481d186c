package org.galley.protocol;

/**
 * Marker for every message that may cross a JVM. Bound to {@code jackson-cbor} in
 * {@code reference.conf}; Java serialization stays off.
 */
public interface CborSerializable {}
