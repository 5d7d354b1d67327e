/// Every phrase of the lint in one Aho-Corasick automaton over folded units, so that a text is
/// read once, in time linear in its length, whatever the number of phrases.
struct PhraseAutomaton: Sendable {
  struct Pattern: Sendable {
    /// Index into the lint's rules.
    var rule: Int
    var length: Int
    /// Whether the match must start, and end, at a word's edge (not for scripts written without
    /// spaces).
    var startsWord: Bool
    var endsWord: Bool
  }

  /// A match, in folded units: `start..<end`.
  struct Match: Sendable {
    var pattern: Int
    var start: Int
    var end: Int
  }

  let patterns: [Pattern]
  private let symbolCount: Int
  private let asciiSymbols: [Int32]
  private let otherSymbols: [UInt32: Int32]
  /// The full transition table, `state * symbolCount + symbol`.
  private let delta: [Int32]
  /// Per state, the patterns that end there: `outputs[outputStart[s]..<outputStart[s + 1]]`.
  private let outputStart: [Int32]
  private let outputs: [Int32]

  /// Patterns shorter than this match only at both edges of a word even in glued fields.
  static let gluedMinimum = 8

  init(_ phrases: [(units: [UInt32], pattern: Pattern)]) {
    var ascii = [Int32](repeating: 0, count: 128)
    var other: [UInt32: Int32] = [:]
    var next: Int32 = 1
    for phrase in phrases {
      for unit in phrase.units {
        if unit < 128 {
          if ascii[Int(unit)] == 0 {
            ascii[Int(unit)] = next
            next += 1
          }
        } else if other[unit] == nil {
          other[unit] = next
          next += 1
        }
      }
    }
    let symbols = Int(next)
    func symbol(_ unit: UInt32) -> Int { unit < 128 ? Int(ascii[Int(unit)]) : Int(other[unit] ?? 0) }

    // The trie.
    var children: [[Int: Int]] = [[:]]
    var ending: [[Int32]] = [[]]
    for (index, phrase) in phrases.enumerated() where !phrase.units.isEmpty {
      var state = 0
      for unit in phrase.units {
        let s = symbol(unit)
        if let child = children[state][s] {
          state = child
        } else {
          children.append([:])
          ending.append([])
          children[state][s] = children.count - 1
          state = children.count - 1
        }
      }
      ending[state].append(Int32(index))
    }
    // Failure links, breadth first, and the full transition table.
    var table = [Int32](repeating: 0, count: children.count * symbols)
    var fail = [Int](repeating: 0, count: children.count)
    var queue: [Int] = []
    for s in 0..<symbols {
      if let child = children[0][s] {
        table[s] = Int32(child)
        queue.append(child)
      }
    }
    var head = 0
    while head < queue.count {
      let state = queue[head]
      head += 1
      ending[state] += ending[fail[state]]
      for s in 0..<symbols {
        if let child = children[state][s] {
          fail[child] = Int(table[fail[state] * symbols + s])
          table[state * symbols + s] = Int32(child)
          queue.append(child)
        } else {
          table[state * symbols + s] = table[fail[state] * symbols + s]
        }
      }
    }
    var starts: [Int32] = [0]
    var flat: [Int32] = []
    for list in ending {
      flat += list
      starts.append(Int32(flat.count))
    }
    patterns = phrases.map(\.pattern)
    symbolCount = symbols
    asciiSymbols = ascii
    otherSymbols = other
    delta = table
    outputStart = starts
    outputs = flat
  }

  /// Every match in `text`, at word edges as each pattern needs; with `glued`, long patterns
  /// match inside a word too (handles, ids, links and file names glue words together).
  func matches(in text: FoldedText, glued: Bool = false) -> [Match] {
    text.units.withUnsafeBufferPointer { units in
      text.flags.withUnsafeBufferPointer { flags in
        matches(units: units, flags: flags, glued: glued)
      }
    }
  }

  /// ``matches(in:glued:)`` over units and their flags held elsewhere (a reused window), without
  /// building a ``FoldedText``.
  func matches(units: UnsafeBufferPointer<UInt32>, flags: UnsafeBufferPointer<UInt8>, glued: Bool = false) -> [Match] {
    var found: [Match] = []
    let count = units.count
    guard count > 0 else { return found }
    delta.withUnsafeBufferPointer { delta in
      var state = 0
      for index in 0..<count {
        let unit = units[index]
        let symbol = unit < 128 ? Int(asciiSymbols[Int(unit)]) : Int(otherSymbols[unit] ?? 0)
        state = Int(delta[state * symbolCount + symbol])
        let first = Int(outputStart[state])
        let last = Int(outputStart[state + 1])
        guard first < last else { continue }
        for slot in first..<last {
          let pattern = patterns[Int(outputs[slot])]
          let start = index + 1 - pattern.length
          let end = index + 1
          let loose = glued && pattern.length >= Self.gluedMinimum
          if pattern.startsWord, !loose,
            !(start == 0 || flags[start] != 0 || flags[start - 1] & FoldedText.fromDigit != 0)
          {
            continue
          }
          if pattern.endsWord, !loose,
            !(end == count || flags[end] != 0 || flags[end - 1] & FoldedText.fromDigit != 0)
          {
            continue
          }
          found.append(Match(pattern: Int(outputs[slot]), start: start, end: end))
        }
      }
    }
    return found
  }
}
