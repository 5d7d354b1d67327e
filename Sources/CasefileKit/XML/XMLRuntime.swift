import CLibXML2
import Foundation

/// Process-wide libxml2 set-up, done once.
enum XMLRuntime {
  /// Initialises the parser once per process. `xmlCleanupParser` is never called.
  static let ready: Void = {
    xmlInitParser()
  }()
}
