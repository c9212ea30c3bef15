package dev.aegis.core.taint;

import java.util.Arrays;

/**
 * A set of 64-bit fingerprints in insertion order that holds at most {@code limit} values and
 * remembers whether more were offered: open addressing over primitive longs, so that winnowing a
 * large result allocates nothing per fingerprint. Not thread-safe.
 */
final class PrintSet {
  private final int limit;
  private final long[] order;
  private final long[] slots;
  private final boolean[] used;
  private int size;
  private boolean overflowed;

  PrintSet(int limit) {
    this.limit = limit;
    this.order = new long[limit];
    int capacity = Integer.highestOneBit(Math.max(4, limit) * 4 - 1);
    this.slots = new long[capacity];
    this.used = new boolean[capacity];
  }

  /** Adds a fingerprint; past the limit, only notes that there were more. */
  void add(long value) {
    int mask = slots.length - 1;
    int i = (int) (value ^ (value >>> 32)) & mask;
    while (used[i]) {
      if (slots[i] == value) {
        return;
      }
      i = (i + 1) & mask;
    }
    if (size == limit) {
      overflowed = true;
      return;
    }
    used[i] = true;
    slots[i] = value;
    order[size++] = value;
  }

  /** Whether a value was offered past the limit. */
  boolean overflowed() {
    return overflowed;
  }

  /** The values kept, in insertion order. */
  long[] values() {
    return Arrays.copyOf(order, size);
  }
}
