/// The version casefile reports, and writes into what it exports.
public enum CasefileVersion {
  public static let current = "0.1.0"
}
