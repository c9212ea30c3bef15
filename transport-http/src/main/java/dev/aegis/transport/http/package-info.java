/**
 * Streamable HTTP transport for both MCP eras, on Netty (issue #4). It will install the same core
 * handlers as the stdio transport: framing and session mapping only.
 */
package dev.aegis.transport.http;
