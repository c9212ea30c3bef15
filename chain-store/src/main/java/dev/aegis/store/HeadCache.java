package dev.aegis.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last committed head (seq and hash) of recently written chains, least recently used first out.
 * Confined to one writer thread. A stale entry is harmless: the writer re-reads the head in its
 * transaction before it calls a mismatch a conflict, and the primary key catches the rest.
 */
final class HeadCache {
  /** A chain's head as the writer sees it; {@link #EMPTY} for a chain with no events. */
  record Head(long seq, String hash) {
    static final Head EMPTY = new Head(-1, null);
  }

  private final Map<ChainKey, Head> heads;

  HeadCache(int capacity) {
    this.heads =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<ChainKey, Head> eldest) {
            return size() > capacity;
          }
        };
  }

  Head get(ChainKey key) {
    return heads.get(key);
  }

  void putAll(Map<ChainKey, Head> committed) {
    heads.putAll(committed);
  }

  void remove(ChainKey key) {
    heads.remove(key);
  }

  void clear() {
    heads.clear();
  }
}
