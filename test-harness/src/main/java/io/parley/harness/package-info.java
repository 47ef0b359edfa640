/**
 * The harness's command line: {@link io.parley.harness.HarnessCli} and its subcommands. The tools
 * themselves live in the subpackages ({@code proxy}, {@code fault}).
 */
package io.parley.harness;
