import CLibXML2
import Foundation

/// The bundle's XSD (`schemas/casefile-bundle-1.xsd`), parsed once per process, and validation
/// against it with libxml2.
public enum BundleSchema {
  /// The schema's file name, in the package and in `schemas/`.
  public static let fileName = "casefile-bundle-1.xsd"

  /// The XSD's bytes, from the resources casefile ships with.
  public static func data() throws -> Data {
    try SchemaResources.data(named: fileName)
  }

  /// The parsed schema. libxml2 only reads it once parsed, so one copy serves every validation.
  private static let parsed: Result<ParsedSchema, CasefileError> = {
    _ = XMLRuntime.ready
    do {
      return .success(try ParsedSchema(try data()))
    } catch let error as CasefileError {
      return .failure(error)
    } catch {
      return .failure(CasefileError(.internalError, "the bundle schema could not be read: \(error)"))
    }
  }()

  /// Checks a parsed bundle against the XSD; the error lists the first problems libxml2 found.
  public static func validate(_ tree: XMLTree, location: CasefileError.Location) throws {
    let schema = try parsed.get()
    guard let context = xmlSchemaNewValidCtxt(schema.pointer) else {
      throw CasefileError(.internalError, "libxml2 could not make a schema validation context", location: location)
    }
    defer { xmlSchemaFreeValidCtxt(context) }
    let collector = XMLIssueCollector()
    let box = Unmanaged.passRetained(collector)
    defer { box.release() }
    xmlSchemaSetValidStructuredErrors(context, collectorErrorHandler, box.toOpaque())
    let status = xmlSchemaValidateDoc(context, tree.doc)
    guard status != 0 else { return }
    let problems = collector.issues.prefix(5).map(\.description).joined(separator: "; ")
    throw CasefileError(
      status > 0 ? .schemaInvalid : .internalError,
      status > 0 ? "the bundle does not match \(fileName): \(problems)" : "libxml2 could not validate the bundle",
      location: location)
  }
}

/// A parsed XSD, kept for the life of the process.
private final class ParsedSchema: @unchecked Sendable {
  // Read-only once parsed: libxml2 validation contexts share a parsed schema.
  let pointer: xmlSchemaPtr

  init(_ data: Data) throws {
    let collector = XMLIssueCollector()
    let box = Unmanaged.passRetained(collector)
    defer { box.release() }
    let parsed = data.withUnsafeBytes { buffer -> xmlSchemaPtr? in
      guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self),
        let context = xmlSchemaNewMemParserCtxt(base, Int32(buffer.count))
      else { return nil }
      defer { xmlSchemaFreeParserCtxt(context) }
      xmlSchemaSetParserStructuredErrors(context, collectorErrorHandler, box.toOpaque())
      return xmlSchemaParse(context)
    }
    guard let parsed else {
      throw CasefileError(.internalError, "the bundle schema does not parse: \(collector.issues.first?.description ?? "no detail")")
    }
    pointer = parsed
  }

  deinit { xmlSchemaFree(pointer) }
}

/// The schema files casefile ships as resources (the XSD, and the report's XSLT).
enum SchemaResources {
  static func data(named name: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "schemas"),
      let data = FileManager.default.contents(atPath: url.path)
    else {
      throw CasefileError(.internalError, "casefile's resource \(name) is missing from its installation")
    }
    return data
  }
}

extension CasefileError.Code {
  /// A bundle that does not match the schema: on export a bug, on verify a refusal.
  public static let schemaInvalid = CasefileError.Code("schema-invalid", .integrity)
}
