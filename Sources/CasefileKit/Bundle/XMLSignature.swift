import CLibXML2
import CXMLSec
import Foundation

/// The bundle's enveloped XML-DSig signature, through libxmlsec1 with OpenSSL: one Reference with
/// `URI=""`, the enveloped-signature transform then exclusive C14N with comments, SHA-256 digests,
/// ECDSA P-256 with SHA-256, and a KeyInfo that holds only a KeyName (the key's fingerprint).
///
/// Verifying never trusts the document: its shape is checked first (exactly one Signature, the
/// root's last child; one empty-URI Reference; only the transforms above; no key material), the
/// key is the one the caller pins, and xmlsec is held to the same URIs and transforms.
public enum XMLSignature {
  public static let dsigNamespace = "http://www.w3.org/2000/09/xmldsig#"
  static let excC14NWithComments = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
  static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
  static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
  static let ecdsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"

  /// Signs a parsed bundle in place: appends the Signature as the root's last child.
  public static func sign(_ tree: XMLTree, privateKeyPEM: String, keyName: String) throws {
    try XMLSecRuntime.ready.get()
    guard let root = xmlDocGetRootElement(tree.doc) else {
      throw CasefileError(.internalError, "the bundle has no root element to sign")
    }
    guard let signature = xmlSecTmplSignatureCreate(
      tree.doc, xmlSecTransformExclC14NWithCommentsGetKlass(), xmlSecOpenSSLTransformEcdsaSha256GetKlass(), nil)
    else { throw failure("create the signature template") }
    guard xmlAddChild(root, signature) != nil else {
      xmlFreeNode(signature)
      throw failure("add the signature to the document")
    }
    guard let reference = xmlSecTmplSignatureAddReference(signature, xmlSecOpenSSLTransformSha256GetKlass(), nil, "", nil),
      xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedGetKlass()) != nil,
      xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NWithCommentsGetKlass()) != nil,
      let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
      xmlSecTmplKeyInfoAddKeyName(keyInfo, keyName) != nil
    else { throw failure("fill in the signature template") }
    let context = try DSigContext()
    context.pointer.pointee.signKey = try loadKey(Data(privateKeyPEM.utf8), what: "the signing key")
    guard xmlSecDSigCtxSign(context.pointer, signature) >= 0 else { throw failure("sign the bundle") }
  }

  /// What a verification found.
  public struct Verified: Sendable, Equatable {
    /// The KeyName the document gives, if any.
    public var keyName: String?
  }

  /// Verifies the signature of a parsed bundle with a pinned public key (PEM). Throws
  /// `signature-invalid` with the reason on any failure.
  public static func verify(_ tree: XMLTree, publicKeyPEM: String, location: CasefileError.Location) throws -> Verified {
    try XMLSecRuntime.ready.get()
    let keyName = try checkShape(tree, location: location)
    guard let signature = try tree.node("/*/ds:Signature", namespaces: ["ds": dsigNamespace]) else {
      throw invalid("the bundle has no signature", location)
    }
    let context = try DSigContext()
    let ctx = context.pointer
    ctx.pointee.signKey = try loadKey(Data(publicKeyPEM.utf8), what: "the pinned public key")
    // Only the document itself may be referenced, and only through the transforms casefile uses.
    ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeEmpty)
    guard xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedGetKlass()) >= 0,
      xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NWithCommentsGetKlass()) >= 0,
      xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecOpenSSLTransformSha256GetKlass()) >= 0,
      xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NWithCommentsGetKlass()) >= 0,
      xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecOpenSSLTransformEcdsaSha256GetKlass()) >= 0
    else { throw failure("restrict the verification's transforms") }
    guard xmlSecDSigCtxVerify(ctx, signature.node) >= 0 else {
      throw invalid("the signature could not be checked: it is malformed or uses what casefile does not allow", location)
    }
    guard ctx.pointee.status == xmlSecDSigStatusSucceeded else {
      throw invalid("the signature does not match: the bundle was changed after it was signed, or another key signed it", location)
    }
    guard xmlSecPtrListGetSize(&ctx.pointee.signedInfoReferences) == 1 else {
      throw invalid("the signature covers more than the one document reference casefile writes", location)
    }
    return Verified(keyName: keyName)
  }

  /// Checks the Signature's shape before xmlsec reads it; returns the KeyName.
  static func checkShape(_ tree: XMLTree, location: CasefileError.Location) throws -> String? {
    let ns = ["ds": dsigNamespace]
    func count(_ path: String) throws -> Int { try tree.nodes(path, namespaces: ns).count }
    // A Reference to URI="" covers the document without its comments (XML-DSig 4.3.3.3), so a
    // comment could be added or edited without breaking the signature. casefile writes none, and
    // refuses a bundle that has any (or a processing instruction).
    guard try count("//comment()") == 0, try count("//processing-instruction()") == 0 else {
      throw invalid("the bundle holds a comment or processing instruction, which casefile never writes and the signature does not cover", location)
    }
    guard try count("//ds:Signature") == 1 else {
      throw invalid("a bundle must hold exactly one ds:Signature", location)
    }
    guard let last = try tree.node("/*/*[last()]", namespaces: ns), last.name == "Signature",
      last.namespaceURI == dsigNamespace
    else { throw invalid("the signature must be the last child of the bundle's root", location) }
    guard try count("/*/ds:Signature/ds:SignedInfo/ds:Reference") == 1,
      try count("/*/ds:Signature/ds:SignedInfo/ds:Reference[@URI='']") == 1
    else { throw invalid("the signature must have exactly one Reference, to the whole document (URI=\"\")", location) }
    let transforms = try tree.nodes("/*/ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform", namespaces: ns)
      .map { $0.attribute("Algorithm") ?? "" }
    guard transforms == [enveloped, excC14NWithComments] else {
      throw invalid("the Reference must use the enveloped-signature then the exclusive C14N (with comments) transforms, and nothing else", location)
    }
    let algorithms = [
      ("ds:SignedInfo/ds:CanonicalizationMethod", excC14NWithComments), ("ds:SignedInfo/ds:SignatureMethod", ecdsaSha256),
      ("ds:SignedInfo/ds:Reference/ds:DigestMethod", sha256),
    ]
    for (path, expected) in algorithms {
      guard try tree.node("/*/ds:Signature/\(path)", namespaces: ns)?.attribute("Algorithm") == expected else {
        throw invalid("the signature must use \(expected) for \(path.split(separator: ":").last ?? "")", location)
      }
    }
    guard try count("/*/ds:Signature/ds:Object") == 0, try count("//ds:Manifest") == 0 else {
      throw invalid("the signature holds Objects or Manifests, which casefile never writes", location)
    }
    let keyInfo = try tree.nodes("/*/ds:Signature/ds:KeyInfo/*", namespaces: ns)
    guard keyInfo.allSatisfy({ $0.name == "KeyName" && $0.namespaceURI == dsigNamespace }), keyInfo.count <= 1 else {
      throw invalid("the signature's KeyInfo holds key material; casefile only trusts a key pinned by its fingerprint", location)
    }
    // Exactly the elements casefile writes, each once where it writes it, with only their
    // Algorithm and URI attributes and text only in the three values: anything more inside the
    // Signature is outside what the signature covers, and some tools would still read it.
    let written = [
      "ds:SignedInfo", "ds:SignedInfo/ds:CanonicalizationMethod", "ds:SignedInfo/ds:SignatureMethod", "ds:SignedInfo/ds:Reference",
      "ds:SignedInfo/ds:Reference/ds:Transforms", "ds:SignedInfo/ds:Reference/ds:DigestMethod",
      "ds:SignedInfo/ds:Reference/ds:DigestValue", "ds:SignatureValue", "ds:KeyInfo", "ds:KeyInfo/ds:KeyName",
    ]
    for path in written {
      guard try count("/*/ds:Signature/\(path)") == 1 else {
        throw invalid("the signature must hold exactly one \(path.split(separator: ":").last ?? ""), where casefile writes it", location)
      }
    }
    guard try count("/*/ds:Signature//*") == written.count + 2, try count("/*/ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform") == 2,
      try count("/*/ds:Signature//@*") == 6, try count("/*/ds:Signature/@*") == 0,
      try count("/*/ds:Signature//text()[normalize-space() != '']") == 3,
      try count("/*/ds:Signature/ds:SignedInfo/ds:Reference/ds:DigestValue/text()") == 1,
      try count("/*/ds:Signature/ds:SignatureValue/text()") == 1, try count("/*/ds:Signature/ds:KeyInfo/ds:KeyName/text()") == 1
    else {
      throw invalid("the signature holds elements, attributes or text that casefile never writes", location)
    }
    return keyInfo.first?.text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  private static func loadKey(_ pem: Data, what: String) throws -> xmlSecKeyPtr {
    let key = pem.withUnsafeBytes { buffer -> xmlSecKeyPtr? in
      guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
      return xmlSecOpenSSLAppKeyLoadMemory(base, UInt32(buffer.count), xmlSecKeyDataFormatPem, nil, nil, nil)
    }
    guard let key else { throw CasefileError(.badKey, "\(what) could not be read as a PEM key") }
    return key
  }

  private static func failure(_ what: String) -> CasefileError {
    CasefileError(.internalError, "xmlsec could not \(what)")
  }

  private static func invalid(_ message: String, _ location: CasefileError.Location) -> CasefileError {
    CasefileError(.signatureInvalid, message, location: location)
  }
}

/// An xmlsec signature context, destroyed (with the key it holds) in `deinit`.
private final class DSigContext {
  let pointer: xmlSecDSigCtxPtr

  init() throws {
    guard let pointer = xmlSecDSigCtxCreate(nil) else {
      throw CasefileError(.internalError, "xmlsec could not make a signature context")
    }
    self.pointer = pointer
  }

  deinit { xmlSecDSigCtxDestroy(pointer) }
}

/// xmlsec's process-wide set-up, in the only order that works, once: xmlSecInit, then the OpenSSL
/// app and crypto layers. Its error output is turned off (errors are reported through return codes
/// and our own messages), and libxml2's external entity loader, which xmlSecInit replaces, is set
/// to refuse everything.
enum XMLSecRuntime {
  static let ready: Result<Void, CasefileError> = {
    _ = XMLRuntime.ready
    guard xmlSecInit() >= 0 else { return .failure(CasefileError(.internalError, "xmlsec could not start")) }
    guard xmlSecOpenSSLAppInit(nil) >= 0 else { return .failure(CasefileError(.internalError, "xmlsec's OpenSSL layer could not start")) }
    guard xmlSecOpenSSLInit() >= 0 else { return .failure(CasefileError(.internalError, "xmlsec's OpenSSL crypto could not start")) }
    xmlSecErrorsDefaultCallbackEnableOutput(0)
    xmlSetExternalEntityLoader(refuseExternalEntities)
    return .success(())
  }()
}

/// An external entity loader that loads nothing: no file, no network.
private let refuseExternalEntities: xmlExternalEntityLoader = { _, _, _ in nil }

extension CasefileError.Code {
  public static let signatureInvalid = CasefileError.Code("signature-invalid", .integrity)
}
