import ArgumentParser
import CasefileKit

struct ProfileSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set", abstract: "Set profile fields; fields not given keep their value, and \"\" clears one.")

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "Your name as registered.") var name: String?
  @Option(help: "Your medical registration number.") var registration: String?
  @Option(help: "Your indemnifier (medical defence organisation).") var indemnifier: String?
  @Option(help: "Your membership number with the indemnifier.") var membership: String?
  @Option(name: .customLong("indemnifier-contact"), help: "The indemnifier's advice line or email.")
  var indemnifierContact: String?
  @Option(help: "How to reach you (a phone number or email address): written into police bundles.") var contact: String?
  @Option(
    help: "One of your own accounts, as PLATFORM:NAME (handle, number or display name), e.g. facebook:\"Dr Example Clinician\" (repeatable): its messages are yours, never abuse.")
  var account: [String] = []
  @Option(name: .customLong("remove-account"), help: "Take an account off the list, as PLATFORM:NAME (repeatable).")
  var removeAccount: [String] = []

  func validate() throws {
    if [name, registration, indemnifier, membership, indemnifierContact, contact].allSatisfy({ $0 == nil }) && account.isEmpty
      && removeAccount.isEmpty
    {
      throw ValidationError("give at least one field to set")
    }
  }

  func run() throws {
    let store = try storeOptions.open()
    try store.setProfile(CasefileKit.Profile(
      name: name, registrationNumber: registration, indemnifier: indemnifier, membershipNumber: membership,
      indemnifierContact: indemnifierContact, contact: contact),
      addAccounts: try account.map(OwnAccount.parse), removeAccounts: try removeAccount.map(OwnAccount.parse))
    print("Profile updated.")
  }
}
