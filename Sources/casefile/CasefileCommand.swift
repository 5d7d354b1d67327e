import ArgumentParser
import CasefileKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

@main
struct CasefileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "casefile",
    abstract: "Keep the evidence of online abuse, and walk each case through the escalation ladder.",
    discussion: """
      Every command finds the store the same way: its --store DIR option (given after the \
      command's name), then $CASEFILE_STORE, then $XDG_DATA_HOME/casefile \
      (~/.local/share/casefile). Exit codes: 0 ok, 64 usage, 65 bad data, 66 not found, 70 internal \
      error, 74 I/O, 75 store busy, 80 integrity failure, 81 signer not verified.
      """,
    version: CasefileVersion.current,
    subcommands: [
      Init.self, Profile.self, Case.self, Log.self, Scan.self, ImportCommand.self, Actor.self, Note.self,
      Step.self, Outcome.self, Due.self, Fsck.self, Config.self, Backup.self, Keys.self, Lint.self, Export.self, Verify.self, Receive.self, Draft.self,
    ]
  )

  static func main() {
    // Everything casefile writes is private to the doctor.
    umask(0o077)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as CasefileError {
      Output.error("\(error)")
      Glibc.exit(error.exitCode)
    } catch {
      // The argument parser's messages quote what was typed (a reference, a path): printed
      // through the same escaping as everything else, on the stream it would have used.
      let message = fullMessage(for: error)
      let code = exitCode(for: error)
      if !message.isEmpty {
        let shown = TerminalText.escape(message) + "\n"
        (code.isSuccess ? FileHandle.standardOutput : FileHandle.standardError).write(Data(shown.utf8))
      }
      Glibc.exit(code.rawValue)
    }
  }
}
