import COpenSSL
import Foundation

/// SHA-256 over a stream of chunks through OpenSSL's libcrypto, for the big inputs: whole exports
/// and blobs. On CPUs with the SHA extensions OpenSSL hashes about four times as fast as
/// swift-crypto does here, and an export's hash is read before anything is imported.
///
/// Owns one `EVP_MD_CTX`, freed in `deinit`. Not for sharing between threads.
final class SHA256Stream {
  private let context: OpaquePointer
  private var finished = false

  init() {
    // Allocation and initialisation fail only when memory runs out; there is nothing to recover.
    guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { fatalError("OpenSSL could not start SHA-256") }
    self.context = context
  }

  deinit { EVP_MD_CTX_free(context) }

  func update(_ data: Data) {
    precondition(!finished, "SHA256Stream used after finalize()")
    data.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress, buffer.count > 0 else { return }
      guard EVP_DigestUpdate(context, base, buffer.count) == 1 else { fatalError("OpenSSL SHA-256 update failed") }
    }
  }

  /// The digest as lowercase hex; the stream takes no more input after this.
  func finalize() -> String {
    precondition(!finished, "SHA256Stream finalized twice")
    finished = true
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else { fatalError("OpenSSL SHA-256 final failed") }
    return Digest.hex(digest.prefix(32))
  }
}
