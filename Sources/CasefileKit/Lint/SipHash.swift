/// SipHash-2-4 (Aumasson and Bernstein, 2012): a pseudo-random function of short messages under a
/// 128-bit key, which is what the lint's finding ids need. It costs about a twentieth of an
/// HMAC-SHA-256 on a message of some thirty bytes, and a long message can have a million
/// findings, each with an id.
struct SipHash24: Sendable {
  private let k0: UInt64
  private let k1: UInt64

  /// A key of at least 16 bytes; the first 16 are used, little-endian, as the reference does.
  init(key: [UInt8]) {
    precondition(key.count >= 16, "SipHash needs a 16-byte key")
    var k0: UInt64 = 0
    var k1: UInt64 = 0
    for i in 0..<8 {
      k0 |= UInt64(key[i]) << (8 * UInt64(i))
      k1 |= UInt64(key[8 + i]) << (8 * UInt64(i))
    }
    self.k0 = k0
    self.k1 = k1
  }

  /// The 64-bit tag of `message`.
  func hash(_ message: UnsafeRawBufferPointer) -> UInt64 {
    var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
    var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
    var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
    var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1

    @inline(__always) func round() {
      v0 &+= v1
      v1 = v1.rotatedLeft(13) ^ v0
      v0 = v0.rotatedLeft(32)
      v2 &+= v3
      v3 = v3.rotatedLeft(16) ^ v2
      v0 &+= v3
      v3 = v3.rotatedLeft(21) ^ v0
      v2 &+= v1
      v1 = v1.rotatedLeft(17) ^ v2
      v2 = v2.rotatedLeft(32)
    }

    let count = message.count
    var index = 0
    while index + 8 <= count {
      var m: UInt64 = 0
      for k in 0..<8 { m |= UInt64(message[index + k]) << (8 * UInt64(k)) }
      v3 ^= m
      round()
      round()
      v0 ^= m
      index += 8
    }
    var last = UInt64(truncatingIfNeeded: count) << 56
    for k in 0..<(count - index) { last |= UInt64(message[index + k]) << (8 * UInt64(k)) }
    v3 ^= last
    round()
    round()
    v0 ^= last
    v2 ^= 0xff
    round()
    round()
    round()
    round()
    return v0 ^ v1 ^ v2 ^ v3
  }
}

extension UInt64 {
  @inline(__always) fileprivate func rotatedLeft(_ bits: UInt64) -> UInt64 {
    (self << bits) | (self >> (64 - bits))
  }
}
