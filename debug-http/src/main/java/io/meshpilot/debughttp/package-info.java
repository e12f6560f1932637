/** The HTTP endpoints on 15014: {@code /debug/*}, {@code /ready}, {@code /version}. Views only. */
package io.meshpilot.debughttp;
