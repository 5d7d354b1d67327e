/// Text made safe to print on a terminal: control characters shown, never obeyed.
///
/// Names, subjects and texts come from people who harass the doctor, and a terminal obeys what
/// they hold: `ESC [2J` clears the screen, `ESC ]0;...BEL` retitles the window, `ESC [8m` hides
/// what follows, a right-to-left override reverses it. So every line the CLI prints goes through
/// ``escape(_:)``:
/// - C0 control characters (U+0000..U+001F) except tab and line feed become their Unicode control
///   pictures (U+2400..U+241F: ESC reads `␛`, NUL `␀`, a carriage return `␍`), as report.html
///   shows them;
/// - DEL (U+007F) becomes `␡` (U+2421);
/// - C1 controls (U+0080..U+009F), bidi embeddings, overrides and isolates (U+202A..U+202E,
///   U+2066..U+2069) and the invisible direction marks (U+200E, U+200F, U+061C), which have no
///   picture, become `<U+XXXX>`.
/// Tab and line feed stay: the layout needs them. The stored and signed text is never changed;
/// only what reaches the terminal is.
public enum TerminalText {
  /// `text` with every control character but tab and line feed replaced by a visible form.
  public static func escape(_ text: String) -> String {
    let escapes = needsEscape
    guard text.unicodeScalars.contains(where: escapes) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard escapes(scalar) else {
        out.append(scalar)
        continue
      }
      switch scalar.value {
      case 0x00...0x1F: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
      case 0x7F: out.append("\u{2421}")
      default:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out.append(contentsOf: "<U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)>".unicodeScalars)
      }
    }
    return String(out)
  }

  /// Whether a scalar is one that ``escape(_:)`` replaces.
  public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A: false
    case 0x00...0x1F, 0x7F, 0x80...0x9F: true
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
    default: false
    }
  }
}
