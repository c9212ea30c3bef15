package dev.aegis.core.chain;

/** The last stored event of a chain: where the next append continues. */
public record ChainHead(long seq, String hash, long tsUnixMs) {}
