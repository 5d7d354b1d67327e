import CLibXML2
import Foundation

/// Writes an XML document through libxml2's xmlTextWriter into memory. It owns the writer and its
/// buffer and frees both in `deinit`. Every call is checked: libxml2 returns -1 on failure.
///
/// Text is escaped by libxml2. Text that XML cannot carry exactly is the caller's to encode (see
/// ``isExactXMLText(_:)``); names and attribute values must be XML characters, which is checked.
final class XMLOutput {
  private let buffer: xmlBufferPtr
  private let writer: xmlTextWriterPtr
  private var finished = false

  init() throws {
    _ = XMLRuntime.ready
    guard let buffer = xmlBufferCreate() else { throw Self.failure("create a buffer") }
    guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
      xmlBufferFree(buffer)
      throw Self.failure("create a writer")
    }
    self.buffer = buffer
    self.writer = writer
    try check(xmlTextWriterSetIndent(writer, 1), "set indentation")
    try check(xmlTextWriterSetIndentString(writer, "  "), "set indentation")
    try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
  }

  deinit {
    xmlFreeTextWriter(writer)
    xmlBufferFree(buffer)
  }

  /// Starts an element; `namespace` declares a default namespace on it.
  func start(_ name: String, namespace: String? = nil) throws {
    if let namespace {
      try check(xmlTextWriterStartElementNS(writer, nil, name, namespace), "start <\(name)>")
    } else {
      try check(xmlTextWriterStartElement(writer, name), "start <\(name)>")
    }
  }

  func attribute(_ name: String, _ value: String) throws {
    guard Self.isExactXMLText(value) else {
      throw CasefileError(.internalError, "the value of attribute \(name) holds characters XML cannot carry")
    }
    try check(xmlTextWriterWriteAttribute(writer, name, value), "write attribute \(name)")
  }

  func text(_ value: String) throws {
    guard Self.isXMLCharacters(value) else {
      throw CasefileError(.internalError, "a text holds characters XML cannot carry")
    }
    try check(xmlTextWriterWriteString(writer, value), "write text")
  }

  func end() throws {
    try check(xmlTextWriterEndElement(writer), "end an element")
  }

  /// `<name>text</name>`.
  func element(_ name: String, _ value: String) throws {
    try start(name)
    try text(value)
    try end()
  }

  /// Ends the document and returns its bytes.
  func finish() throws -> Data {
    precondition(!finished, "XMLOutput finished twice")
    finished = true
    try check(xmlTextWriterEndDocument(writer), "end the document")
    try check(xmlTextWriterFlush(writer), "flush")
    guard let content = xmlBufferContent(buffer) else { return Data() }
    return Data(bytes: content, count: Int(xmlBufferLength(buffer)))
  }

  private func check(_ status: Int32, _ what: String) throws {
    if status < 0 { throw Self.failure(what) }
  }

  private static func failure(_ what: String) -> CasefileError {
    CasefileError(.internalError, "libxml2's writer could not \(what)")
  }

  /// Whether every scalar is a character of XML 1.0.
  static func isXMLCharacters(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
      switch scalar.value {
      case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
      default: false
      }
    }
  }

  /// Whether a parser reads the text back exactly as written: XML characters, and no carriage
  /// return (a parser turns one into a line feed).
  static func isExactXMLText(_ text: String) -> Bool {
    isXMLCharacters(text) && !text.unicodeScalars.contains("\r")
  }
}
