import ArgumentParser
import CasefileKit

struct ProfileShow: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the profile.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var output: JSONFlag

  func run() throws {
    let profile = try storeOptions.open().profile()
    if output.json { return try Output.json(profile) }
    for (label, value) in [
      ("Name", profile.name), ("Registration number", profile.registrationNumber),
      ("Indemnifier", profile.indemnifier), ("Membership number", profile.membershipNumber),
      ("Indemnifier contact", profile.indemnifierContact), ("Contact", profile.contact),
    ] {
      print("\(label):".padding(toLength: 22, withPad: " ", startingAt: 0) + (value ?? "(not set)"))
    }
    print(profile.accounts.isEmpty ? "Own accounts:".padding(toLength: 22, withPad: " ", startingAt: 0) + "(none)" : "Own accounts:")
    for account in profile.accounts { print("  \(account.platform.rawValue):\(account.name)") }
  }
}
