/**
 * The guard: capability manifest, session reducer, budgets, loops, taint, approvals and the policy
 * engines that decide every {@code tools/call} (issue #3). Until it lands, aegis-proxy seals and
 * forwards every valid frame without a policy decision.
 */
package dev.aegis.guard;
