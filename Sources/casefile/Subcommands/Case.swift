import ArgumentParser

struct Case: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Open, list, show, close and reopen cases.",
    subcommands: [CaseOpen.self, CaseList.self, CaseShow.self, CaseClose.self, CaseReopen.self])
}
