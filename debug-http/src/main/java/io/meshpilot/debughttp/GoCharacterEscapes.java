package io.meshpilot.debughttp;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.Locale;

/**
 * Go's {@code encoding/json} string escaping with HTML escaping on (the {@code json.Marshal}
 * default): {@code \"}, {@code \\}, {@code \b \f \n \r \t}, other control characters as
 * {@code \}{@code u00xx} (lowercase hex), {@code < > &} as {@code \}{@code u003c} etc., and U+2028 /
 * U+2029 escaped. Everything else, including DEL and non-ASCII, is written as is.
 */
final class GoCharacterEscapes extends CharacterEscapes {
  private static final int[] ASCII = asciiEscapes();

  private static int[] asciiEscapes() {
    int[] codes = CharacterEscapes.standardAsciiEscapesForJSON(); // \" \\ \b \f \n \r \t stay short
    for (int c = 0; c < 0x20; c++) {
      if (codes[c] == CharacterEscapes.ESCAPE_STANDARD) {
        codes[c] = CharacterEscapes.ESCAPE_CUSTOM; // Jackson would write uppercase hex
      }
    }
    codes['<'] = CharacterEscapes.ESCAPE_CUSTOM;
    codes['>'] = CharacterEscapes.ESCAPE_CUSTOM;
    codes['&'] = CharacterEscapes.ESCAPE_CUSTOM;
    return codes;
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return ASCII.clone();
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
      return new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch));
    }
    return null;
  }
}
